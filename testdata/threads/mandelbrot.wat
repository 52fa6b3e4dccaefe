;; mandelbrot.wat: a Mandelbrot renderer meant to run on several threads at
;; once, all sharing one imported memory. Compile with
;;
;;   wat2wasm --enable-threads mandelbrot.wat -o mandelbrot.wasm
;;
;; Memory layout (the shared memory "env" "memory"):
;;
;;   [0, 4)            i32 work counter: the next pixel index to render.
;;                     The host sets it to 0 before starting the workers.
;;   [4, 4 + W*H)      the image, one byte per pixel, row-major: the escape
;;                     count of the pixel, clamped to 255.
;;
;; Each worker calls run(width, height, max_iter). It repeatedly claims the
;; next pixel with i32.atomic.rmw.add on the counter (so no pixel is done
;; twice and no lock is needed), renders it, and stops when the claimed
;; index is past the last pixel. run returns how many pixels this worker
;; rendered; the sum over all workers is W*H. The image covers the complex
;; rectangle [-2.5, 1] x [-1.25, 1.25]. With 1 to 256 pages of memory the
;; image can be up to about 16 MB (e.g. 4096 x 4096).
;;
;; Pixels are stored with plain i32.store8: every pixel has exactly one
;; writer, and the host reads the image only after joining all workers.
(module
  (import "env" "memory" (memory 1 256 shared))

  ;; escape returns the number of iterations of z := z*z + c, starting from
  ;; z = 0, before |z| > 2, up to max_iter.
  (func $escape (param $cr f64) (param $ci f64) (param $max_iter i32) (result i32)
    (local $zr f64) (local $zi f64) (local $zr2 f64) (local $zi2 f64)
    (local $n i32)
    (block $done
      (loop $iterate
        (br_if $done (i32.ge_u (local.get $n) (local.get $max_iter)))
        (local.set $zr2 (f64.mul (local.get $zr) (local.get $zr)))
        (local.set $zi2 (f64.mul (local.get $zi) (local.get $zi)))
        (br_if $done (f64.gt (f64.add (local.get $zr2) (local.get $zi2)) (f64.const 4)))
        ;; zi := 2*zr*zi + ci; zr := zr^2 - zi^2 + cr
        (local.set $zi
          (f64.add
            (f64.mul (f64.const 2) (f64.mul (local.get $zr) (local.get $zi)))
            (local.get $ci)))
        (local.set $zr
          (f64.add (f64.sub (local.get $zr2) (local.get $zi2)) (local.get $cr)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $iterate)))
    (local.get $n))

  (func (export "run") (param $width i32) (param $height i32) (param $max_iter i32)
                       (result i32)
    (local $index i32) (local $x i32) (local $y i32) (local $done i32)
    (local $count i32)
    (block $finished
      (loop $next_pixel
        ;; Claim the next pixel: fetch-and-add returns the old counter.
        (local.set $index (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
        (br_if $finished
          (i32.ge_u (local.get $index) (i32.mul (local.get $width) (local.get $height))))
        (local.set $x (i32.rem_u (local.get $index) (local.get $width)))
        (local.set $y (i32.div_u (local.get $index) (local.get $width)))
        (local.set $count
          (call $escape
            ;; cr = -2.5 + 3.5 * x / width
            (f64.add (f64.const -2.5)
              (f64.div (f64.mul (f64.const 3.5) (f64.convert_i32_u (local.get $x)))
                       (f64.convert_i32_u (local.get $width))))
            ;; ci = -1.25 + 2.5 * y / height
            (f64.add (f64.const -1.25)
              (f64.div (f64.mul (f64.const 2.5) (f64.convert_i32_u (local.get $y)))
                       (f64.convert_i32_u (local.get $height))))
            (local.get $max_iter)))
        (i32.store8 offset=4
          (local.get $index)
          (select (i32.const 255) (local.get $count)
                  (i32.gt_u (local.get $count) (i32.const 255))))
        (local.set $done (i32.add (local.get $done) (i32.const 1)))
        (br $next_pixel)))
    (local.get $done))
)
