;; worker.wat: the Mandelbrot worker of examples/mandelbrot. Every thread
;; runs its own instance over one shared memory (imported as env.memory).
;; Unlike testdata/threads/mandelbrot.wat it also records which thread
;; computed each pixel, in a second plane, so the example can draw the
;; division of work.
;;
;; Memory layout:
;;   [0, 4)                  i32 work counter: next row (host sets 0)
;;   [16, 16 + W*H)          escape count per pixel, clamped to 255
;;   [16 + W*H, 16 + 2*W*H)  id of the thread that computed the pixel
;;
;; run(width, height, max_iter, thread_id) claims rows one at a time with
;; i32.atomic.rmw.add until none are left and returns how many pixels it
;; did (rows rather than pixels, so that the ownership picture shows bands). The
;; image covers [-2.2, 0.8] x [-1, 1]. Pixels have exactly one writer each
;; and the host reads them only after joining every worker, so plain
;; stores suffice.
(module
  (import "env" "memory" (memory 1 256 shared))

  (func $escape (param $cr f64) (param $ci f64) (param $max i32) (result i32)
    (local $zr f64) (local $zi f64) (local $zr2 f64) (local $zi2 f64) (local $n i32)
    (block $out
      (loop $iter
        (br_if $out (i32.ge_u (local.get $n) (local.get $max)))
        (local.set $zr2 (f64.mul (local.get $zr) (local.get $zr)))
        (local.set $zi2 (f64.mul (local.get $zi) (local.get $zi)))
        (br_if $out (f64.gt (f64.add (local.get $zr2) (local.get $zi2)) (f64.const 4)))
        (local.set $zi (f64.add (f64.mul (f64.const 2) (f64.mul (local.get $zr) (local.get $zi)))
                                (local.get $ci)))
        (local.set $zr (f64.add (f64.sub (local.get $zr2) (local.get $zi2)) (local.get $cr)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $iter)))
    (local.get $n))

  (func (export "run") (param $w i32) (param $h i32) (param $max i32) (param $tid i32)
                       (result i32)
    (local $y i32) (local $x i32) (local $i i32) (local $n i32) (local $done i32)
    (local $ci f64)
    (block $finished
      (loop $next_row
        (local.set $y (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
        (br_if $finished (i32.ge_u (local.get $y) (local.get $h)))
        (local.set $ci
          (f64.add (f64.const -1.0)
            (f64.div (f64.mul (f64.const 2.0) (f64.convert_i32_u (local.get $y)))
                     (f64.convert_i32_u (local.get $h)))))
        (local.set $x (i32.const 0))
        (loop $next_pixel
          (local.set $n
            (call $escape
              (f64.add (f64.const -2.2)
                (f64.div (f64.mul (f64.const 3.0) (f64.convert_i32_u (local.get $x)))
                         (f64.convert_i32_u (local.get $w))))
              (local.get $ci)
              (local.get $max)))
          (local.set $i (i32.add (i32.mul (local.get $y) (local.get $w)) (local.get $x)))
          (i32.store8 offset=16 (local.get $i)
            (select (i32.const 255) (local.get $n) (i32.gt_u (local.get $n) (i32.const 255))))
          (i32.store8 offset=16 (i32.add (i32.mul (local.get $w) (local.get $h)) (local.get $i))
            (local.get $tid))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br_if $next_pixel (i32.lt_u (local.get $x) (local.get $w))))
        (local.set $done (i32.add (local.get $done) (local.get $w)))
        (br $next_row)))
    (local.get $done))
)
