;; wasi_mandelbrot.wat: a wasi-threads command that renders the Mandelbrot
;; set on N threads and writes it to stdout as a binary PGM image.
;;
;;   wat2wasm --enable-threads wasi_mandelbrot.wat
;;   wasm-interp --wasi wasi_mandelbrot.wasm -- 4 > mandelbrot.pgm
;;
;; argv[1] is the number of worker threads (1 to 64, default 4). _start
;; spawns them with "wasi" "thread-spawn"; each worker claims pixels one at
;; a time with i32.atomic.rmw.add on a shared counter, so no pixel is done
;; twice and no lock is needed, then adds 1 to a done counter and notifies.
;; _start sleeps in memory.atomic.wait32 until the done counter reaches N
;; and writes the header and the pixels with one fd_write. The image is the
;; same for every N: each pixel depends only on its coordinates.
;;
;; Memory (imported and shared: every thread's instance sees the same one):
;;   0     next pixel            4     workers done
;;   16    two iovecs            32    bytes written
;;   64    PGM header (passive segment, copied by _start only: a spawned
;;         thread's instantiation must not rewrite shared memory)
;;   256   argc, argv buffer size
;;   512   argv pointers (up to 128)   1024  argv strings (up to 3 KiB)
;;   4096  the image, one byte per pixel, row-major
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 2 2 shared))

  (global $width i32 (i32.const 160))
  (global $height i32 (i32.const 100))
  (global $max_iter i32 (i32.const 255))
  (global $image i32 (i32.const 4096))

  (data $header "P5\0a160 100\0a255\0a")
  (global $header_len i32 (i32.const 15))

  ;; escape counts iterations of z := z*z + c from z = 0 until |z| > 2.
  (func $escape (param $cr f64) (param $ci f64) (result i32)
    (local $zr f64) (local $zi f64) (local $zr2 f64) (local $zi2 f64) (local $n i32)
    (block $out
      (loop $iter
        (br_if $out (i32.ge_u (local.get $n) (global.get $max_iter)))
        (local.set $zr2 (f64.mul (local.get $zr) (local.get $zr)))
        (local.set $zi2 (f64.mul (local.get $zi) (local.get $zi)))
        (br_if $out (f64.gt (f64.add (local.get $zr2) (local.get $zi2)) (f64.const 4)))
        (local.set $zi (f64.add (f64.mul (f64.const 2) (f64.mul (local.get $zr) (local.get $zi)))
                                (local.get $ci)))
        (local.set $zr (f64.add (f64.sub (local.get $zr2) (local.get $zi2)) (local.get $cr)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $iter)))
    (local.get $n))

  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (local $i i32) (local $n i32)
    (block $finished
      (loop $next
        (local.set $i (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
        (br_if $finished
          (i32.ge_u (local.get $i) (i32.mul (global.get $width) (global.get $height))))
        (local.set $n
          (call $escape
            ;; re = -2.5 + 3.5 * x / width, im = -1.25 + 2.5 * y / height
            (f64.add (f64.const -2.5)
              (f64.div (f64.mul (f64.const 3.5)
                         (f64.convert_i32_u (i32.rem_u (local.get $i) (global.get $width))))
                       (f64.convert_i32_u (global.get $width))))
            (f64.add (f64.const -1.25)
              (f64.div (f64.mul (f64.const 2.5)
                         (f64.convert_i32_u (i32.div_u (local.get $i) (global.get $width))))
                       (f64.convert_i32_u (global.get $height))))))
        ;; Inside the set (never escaped) is black; outside, brighter the
        ;; faster it escapes.
        (i32.store8 (i32.add (global.get $image) (local.get $i))
          (select (i32.const 0) (i32.sub (i32.const 255) (local.get $n))
                  (i32.ge_u (local.get $n) (global.get $max_iter))))
        (br $next)))
    (drop (i32.atomic.rmw.add (i32.const 4) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 4) (i32.const 1))))

  ;; threads returns argv[1] as a number in [1, 64], or 4.
  (func $threads (result i32)
    (local $p i32) (local $c i32) (local $n i32)
    (drop (call $args_sizes_get (i32.const 256) (i32.const 260)))
    (if (i32.or (i32.lt_u (i32.load (i32.const 256)) (i32.const 2))
                (i32.or (i32.gt_u (i32.load (i32.const 256)) (i32.const 128))
                        (i32.gt_u (i32.load (i32.const 260)) (i32.const 3072))))
      (then (return (i32.const 4))))
    (drop (call $args_get (i32.const 512) (i32.const 1024)))
    (local.set $p (i32.load (i32.const 516)))
    (block $end
      (loop $digit
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $end (i32.or (i32.lt_u (local.get $c) (i32.const 48))
                            (i32.gt_u (local.get $c) (i32.const 57))))
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10))
                               (i32.sub (local.get $c) (i32.const 48))))
        (br_if $end (i32.gt_u (local.get $n) (i32.const 64)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $digit)))
    (if (i32.or (i32.eqz (local.get $n)) (i32.gt_u (local.get $n) (i32.const 64)))
      (then (return (i32.const 4))))
    (local.get $n))

  (func (export "_start")
    (local $n i32) (local $i i32) (local $done i32)
    (memory.init $header (i32.const 64) (i32.const 0) (global.get $header_len))
    (local.set $n (call $threads))
    (loop $spawn_all
      (if (i32.lt_s (call $spawn (local.get $i)) (i32.const 0))
        (then (call $exit (i32.const 2))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $spawn_all (i32.lt_u (local.get $i) (local.get $n))))
    (block $all_done
      (loop $wait
        (local.set $done (i32.atomic.load (i32.const 4)))
        (br_if $all_done (i32.ge_u (local.get $done) (local.get $n)))
        (drop (memory.atomic.wait32 (i32.const 4) (local.get $done) (i64.const -1)))
        (br $wait)))
    ;; iovecs: header, image
    (i32.store (i32.const 16) (i32.const 64))
    (i32.store (i32.const 20) (global.get $header_len))
    (i32.store (i32.const 24) (global.get $image))
    (i32.store (i32.const 28) (i32.mul (global.get $width) (global.get $height)))
    (if (call $fd_write (i32.const 1) (i32.const 16) (i32.const 2) (i32.const 32))
      (then (call $exit (i32.const 1)))))
)
