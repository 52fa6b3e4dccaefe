;; mandelbrot_rows.wat: testdata/threads/mandelbrot.wat's renderer, but a
;; worker claims a whole row with one i32.atomic.rmw.add instead of one
;; pixel. Same memory layout (the counter at 0 now counts rows), same
;; image, same run(width, height, max_iter) returning the pixels rendered.
;; Claiming a row at a time is how a parallel renderer is usually written:
;; the counter's cache line moves between cores once per row, and the two
;; workers' stores meet only at row ends, so the run measures the engine
;; rather than the contention of a per-pixel claim.
(module
  (import "env" "memory" (memory 1 256 shared))

  (func $escape (param $cr f64) (param $ci f64) (param $max_iter i32) (result i32)
    (local $zr f64) (local $zi f64) (local $zr2 f64) (local $zi2 f64)
    (local $n i32)
    (block $done
      (loop $iterate
        (br_if $done (i32.ge_u (local.get $n) (local.get $max_iter)))
        (local.set $zr2 (f64.mul (local.get $zr) (local.get $zr)))
        (local.set $zi2 (f64.mul (local.get $zi) (local.get $zi)))
        (br_if $done (f64.gt (f64.add (local.get $zr2) (local.get $zi2)) (f64.const 4)))
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
    (local $x i32) (local $y i32) (local $ci f64) (local $count i32) (local $done i32)
    (block $finished
      (loop $next_row
        (local.set $y (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
        (br_if $finished (i32.ge_u (local.get $y) (local.get $height)))
        (local.set $ci
          (f64.add (f64.const -1.25)
            (f64.div (f64.mul (f64.const 2.5) (f64.convert_i32_u (local.get $y)))
                     (f64.convert_i32_u (local.get $height)))))
        (local.set $x (i32.const 0))
        (loop $next_pixel
          (local.set $count
            (call $escape
              (f64.add (f64.const -2.5)
                (f64.div (f64.mul (f64.const 3.5) (f64.convert_i32_u (local.get $x)))
                         (f64.convert_i32_u (local.get $width))))
              (local.get $ci)
              (local.get $max_iter)))
          (i32.store8 offset=4
            (i32.add (i32.mul (local.get $y) (local.get $width)) (local.get $x))
            (select (i32.const 255) (local.get $count)
                    (i32.gt_u (local.get $count) (i32.const 255))))
          (local.set $done (i32.add (local.get $done) (i32.const 1)))
          (br_if $next_pixel
            (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 1))) (local.get $width))))
        (br $next_row)))
    (local.get $done))
)
