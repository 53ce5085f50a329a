;; sentemb's pooling kernel: weighted sums of table rows held in this
;; module's memory, four f32 lanes at a time (WebAssembly SIMD). Assembled
;; into src/static/row_arena.ts; tests/static/row_arena_test.ts checks the
;; embedded bytes against this file.
(module
  (memory (export "memory") 1)

  ;; out[0..n) += sum over k < count of weights[k] * row_k[0..n), where row_k
  ;; starts at byte offset rows[k]. rows: i32 offsets, weights: f32, n a
  ;; multiple of 4. Four rows per pass: out is read and written once per four.
  (func (export "accumulate")
    (param $rows i32) (param $weights i32) (param $count i32)
    (param $n i32) (param $out i32)
    (local $bytes i32) (local $j i32) (local $k i32) (local $acc v128)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local $wa v128) (local $wb v128) (local $wc v128) (local $wd v128)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (block $quads_done (loop $quads
      (br_if $quads_done
        (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $count)))
      (local.set $a (i32.load (local.get $rows)))
      (local.set $b (i32.load offset=4 (local.get $rows)))
      (local.set $c (i32.load offset=8 (local.get $rows)))
      (local.set $d (i32.load offset=12 (local.get $rows)))
      (local.set $wa (f32x4.splat (f32.load (local.get $weights))))
      (local.set $wb (f32x4.splat (f32.load offset=4 (local.get $weights))))
      (local.set $wc (f32x4.splat (f32.load offset=8 (local.get $weights))))
      (local.set $wd (f32x4.splat (f32.load offset=12 (local.get $weights))))
      (local.set $j (i32.const 0))
      (block $lanes_done (loop $lanes
        (br_if $lanes_done (i32.ge_u (local.get $j) (local.get $bytes)))
        (local.set $acc (v128.load (i32.add (local.get $out) (local.get $j))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
          (v128.load (i32.add (local.get $a) (local.get $j))) (local.get $wa))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
          (v128.load (i32.add (local.get $b) (local.get $j))) (local.get $wb))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
          (v128.load (i32.add (local.get $c) (local.get $j))) (local.get $wc))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
          (v128.load (i32.add (local.get $d) (local.get $j))) (local.get $wd))))
        (v128.store (i32.add (local.get $out) (local.get $j)) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $lanes)))
      (local.set $rows (i32.add (local.get $rows) (i32.const 16)))
      (local.set $weights (i32.add (local.get $weights) (i32.const 16)))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br $quads)))
    (block $ones_done (loop $ones
      (br_if $ones_done (i32.ge_u (local.get $k) (local.get $count)))
      (local.set $a (i32.load (local.get $rows)))
      (local.set $wa (f32x4.splat (f32.load (local.get $weights))))
      (local.set $j (i32.const 0))
      (block $lane_done (loop $lane
        (br_if $lane_done (i32.ge_u (local.get $j) (local.get $bytes)))
        (v128.store (i32.add (local.get $out) (local.get $j)) (f32x4.add
          (v128.load (i32.add (local.get $out) (local.get $j)))
          (f32x4.mul
            (v128.load (i32.add (local.get $a) (local.get $j))) (local.get $wa))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $lane)))
      (local.set $rows (i32.add (local.get $rows) (i32.const 4)))
      (local.set $weights (i32.add (local.get $weights) (i32.const 4)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $ones))))

  ;; out[0..n) /= total, n a multiple of 4.
  (func (export "divide") (param $out i32) (param $n i32) (param $total f32)
    (local $end i32) (local $t v128)
    (local.set $t (f32x4.splat (local.get $total)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (v128.store (local.get $out)
        (f32x4.div (v128.load (local.get $out)) (local.get $t)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $next))))
)
