;; The keyword automaton's inner loop over bytes, for KeywordMatcher.collectBytes (keywords.ts).
;; Regenerate keywords-wasm.ts after editing: npm run wasm (a test checks that they agree).
;;
;; Memory layout (set up by keywords.ts):
;;   [0, 256)        byte -> class * 4 (bytes in no keyword, and every byte >= 0x80, are class 0)
;;   [256, 276)      record counts of `scan`; where `runs` stopped
;;   [512, 768)      byte -> class bits of the decoding pass (for `runs`; written by keywords.ts when first used)
;;   table           one row of 64 i32 per state; an entry is the address of the next state's row. States
;;                   that end a keyword come last: their rows are at `outrow` and above, so a step tells a
;;                   keyword end by comparing the address (no flag to mask off on the critical path)
;;   filters         per row of a state that ends a keyword (from `outrow`), 8 bytes: the address of that
;;                   keyword's lead sets (0: keep every hit) and, packed, the keyword's length | positions << 16;
;;                   then the lead sets, 16 bytes (128 bits, one per ASCII character) per position
;;   out             four regions of `cap` records (8 bytes: row address, end offset), one per chain; `runs`
;;                   writes its records there too
;;   side            64 KiB for short texts (decoded values, report texts), so a file read into `text` stays
;;   text            the bytes to scan
;;
;; A DFA step waits on the previous one (load, then address, then load), so one pass runs at the memory
;; latency. `scan` splits [a, b) into four quarters and steps four independent automata in one loop, so the
;; processor overlaps their loads. Each automaton first reads the `warm` bytes before its quarter without
;; reporting (from the root state: after `warm` = longest keyword - 1 bytes it is in the exact state), then
;; reports keyword ends inside its quarter only, so every hit is reported once and the regions come in order.
(module
  (import "env" "memory" (memory 1))

  ;; One automaton over [p, end) from `row`, no reports; returns the row it ends in.
  (func $skip (param $row i32) (param $p i32) (param $end i32) (result i32)
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (loop $step
        (local.set $row (i32.load (i32.add (local.get $row) (i32.load8_u (i32.load8_u (local.get $p))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $step (i32.lt_u (local.get $p) (local.get $end)))))
    (local.get $row))

  ;; Scans text[a, b) (text at address `text`), writing records to four regions of `cap` records from `out`;
  ;; returns the four record counts packed as i32 at address 256..272. With a filter table (`filters` not 0),
  ;; then drops the records it rules out (see $filter; `len`: the length of the whole text).
  (func (export "scan") (param $root i32) (param $text i32) (param $a i32) (param $b i32) (param $warm i32)
                        (param $out i32) (param $cap i32) (param $outrow i32) (param $filters i32) (param $len i32)
    (local $m i32) (local $i i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $end3 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    ;; quarter length; the last quarter also takes the remainder
    (local.set $m (i32.shr_u (i32.sub (local.get $b) (local.get $a)) (i32.const 2)))
    (local.set $p0 (i32.add (local.get $text) (local.get $a)))
    (local.set $p1 (i32.add (local.get $p0) (local.get $m)))
    (local.set $p2 (i32.add (local.get $p1) (local.get $m)))
    (local.set $p3 (i32.add (local.get $p2) (local.get $m)))
    (local.set $end3 (i32.add (local.get $text) (local.get $b)))
    ;; warm-up: from max(text, start - warm) to start, without reports; the last three automata in step over the
    ;; bytes they all have to read (a file of a few kilobytes spent a tenth of its scan here, one automaton at a time)
    (local.set $r0 (call $skip (local.get $root) (call $from (local.get $text) (local.get $p0) (local.get $warm)) (local.get $p0)))
    (local.set $w1 (call $from (local.get $text) (local.get $p1) (local.get $warm)))
    (local.set $w2 (call $from (local.get $text) (local.get $p2) (local.get $warm)))
    (local.set $w3 (call $from (local.get $text) (local.get $p3) (local.get $warm)))
    (local.set $r1 (local.get $root))
    (local.set $r2 (local.get $root))
    (local.set $r3 (local.get $root))
    ;; each starts `p - w` bytes before its quarter (at most `warm`; less only near the text's start): in step for
    ;; the fewest of them, then each alone to its quarter
    (local.set $i (i32.sub (local.get $p1) (local.get $w1)))
    (if (i32.lt_u (i32.sub (local.get $p2) (local.get $w2)) (local.get $i)) (then (local.set $i (i32.sub (local.get $p2) (local.get $w2)))))
    (if (i32.lt_u (i32.sub (local.get $p3) (local.get $w3)) (local.get $i)) (then (local.set $i (i32.sub (local.get $p3) (local.get $w3)))))
    (block $warmed
      (br_if $warmed (i32.eqz (local.get $i)))
      (loop $warming
        (local.set $r1 (i32.load (i32.add (local.get $r1) (i32.load8_u (i32.load8_u (local.get $w1))))))
        (local.set $r2 (i32.load (i32.add (local.get $r2) (i32.load8_u (i32.load8_u (local.get $w2))))))
        (local.set $r3 (i32.load (i32.add (local.get $r3) (i32.load8_u (i32.load8_u (local.get $w3))))))
        (local.set $w1 (i32.add (local.get $w1) (i32.const 1)))
        (local.set $w2 (i32.add (local.get $w2) (i32.const 1)))
        (local.set $w3 (i32.add (local.get $w3) (i32.const 1)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br_if $warming (local.get $i))))
    (local.set $r1 (call $skip (local.get $r1) (local.get $w1) (local.get $p1)))
    (local.set $r2 (call $skip (local.get $r2) (local.get $w2) (local.get $p2)))
    (local.set $r3 (call $skip (local.get $r3) (local.get $w3) (local.get $p3)))
    (local.set $o0 (local.get $out))
    (local.set $o1 (i32.add (local.get $o0) (i32.shl (local.get $cap) (i32.const 3))))
    (local.set $o2 (i32.add (local.get $o1) (i32.shl (local.get $cap) (i32.const 3))))
    (local.set $o3 (i32.add (local.get $o2) (i32.shl (local.get $cap) (i32.const 3))))
    ;; four automata in step
    (local.set $i (local.get $m))
    (block $done
      (br_if $done (i32.eqz (local.get $i)))
      (loop $step
        (local.set $r0 (i32.load (i32.add (local.get $r0) (i32.load8_u (i32.load8_u (local.get $p0))))))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 1)))
        (if (i32.ge_u (local.get $r0) (local.get $outrow))
          (then
            (i32.store (local.get $o0) (local.get $r0))
            (i32.store offset=4 (local.get $o0) (i32.sub (local.get $p0) (local.get $text)))
            (local.set $o0 (i32.add (local.get $o0) (i32.const 8)))))
        (local.set $r1 (i32.load (i32.add (local.get $r1) (i32.load8_u (i32.load8_u (local.get $p1))))))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 1)))
        (if (i32.ge_u (local.get $r1) (local.get $outrow))
          (then
            (i32.store (local.get $o1) (local.get $r1))
            (i32.store offset=4 (local.get $o1) (i32.sub (local.get $p1) (local.get $text)))
            (local.set $o1 (i32.add (local.get $o1) (i32.const 8)))))
        (local.set $r2 (i32.load (i32.add (local.get $r2) (i32.load8_u (i32.load8_u (local.get $p2))))))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 1)))
        (if (i32.ge_u (local.get $r2) (local.get $outrow))
          (then
            (i32.store (local.get $o2) (local.get $r2))
            (i32.store offset=4 (local.get $o2) (i32.sub (local.get $p2) (local.get $text)))
            (local.set $o2 (i32.add (local.get $o2) (i32.const 8)))))
        (local.set $r3 (i32.load (i32.add (local.get $r3) (i32.load8_u (i32.load8_u (local.get $p3))))))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 1)))
        (if (i32.ge_u (local.get $r3) (local.get $outrow))
          (then
            (i32.store (local.get $o3) (local.get $r3))
            (i32.store offset=4 (local.get $o3) (i32.sub (local.get $p3) (local.get $text)))
            (local.set $o3 (i32.add (local.get $o3) (i32.const 8)))))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br_if $step (local.get $i))))
    ;; the last automaton reads the remainder alone
    (block $tail
      (br_if $tail (i32.ge_u (local.get $p3) (local.get $end3)))
      (loop $step
        (local.set $r3 (i32.load (i32.add (local.get $r3) (i32.load8_u (i32.load8_u (local.get $p3))))))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 1)))
        (if (i32.ge_u (local.get $r3) (local.get $outrow))
          (then
            (i32.store (local.get $o3) (local.get $r3))
            (i32.store offset=4 (local.get $o3) (i32.sub (local.get $p3) (local.get $text)))
            (local.set $o3 (i32.add (local.get $o3) (i32.const 8)))))
        (br_if $step (i32.lt_u (local.get $p3) (local.get $end3)))))
    ;; record counts
    (i32.store (i32.const 256) (i32.shr_u (i32.sub (local.get $o0) (local.get $out)) (i32.const 3)))
    (i32.store (i32.const 260) (i32.shr_u (i32.sub (local.get $o1) (i32.add (local.get $out) (i32.shl (local.get $cap) (i32.const 3)))) (i32.const 3)))
    (i32.store (i32.const 264) (i32.shr_u (i32.sub (local.get $o2) (i32.add (local.get $out) (i32.shl (local.get $cap) (i32.const 4)))) (i32.const 3)))
    (i32.store (i32.const 268) (i32.shr_u (i32.sub (local.get $o3) (i32.add (local.get $out) (i32.mul (local.get $cap) (i32.const 24)))) (i32.const 3)))
    (if (local.get $filters)
      (then (call $filter (local.get $out) (local.get $cap) (local.get $text) (local.get $len) (local.get $outrow) (local.get $filters)))))

  ;; Drops the records of `scan` whose keyword cannot start a match where it stands: each ASCII byte from the
  ;; keyword's start must be in its position's lead set, and the text (`len` bytes at `text`) must hold all the
  ;; positions. Keeps the order; rewrites the counts at 256..272. `filters` is the table above; rows are 256
  ;; bytes (64 classes of 4), so a row's filter entry is at filters + (row - outrow) / 32.
  (func $filter (param $out i32) (param $cap i32) (param $text i32) (param $len i32) (param $outrow i32)
                          (param $filters i32)
    (local $chain i32) (local $base i32) (local $r i32) (local $w i32) (local $last i32)
    (local $row i32) (local $end i32) (local $entry i32) (local $lead i32) (local $info i32)
    (local $start i32) (local $n i32) (local $i i32) (local $c i32)
    (loop $chains
      (local.set $base (i32.add (local.get $out) (i32.mul (local.get $chain) (i32.shl (local.get $cap) (i32.const 3)))))
      (local.set $r (local.get $base))
      (local.set $w (local.get $base))
      (local.set $last (i32.add (local.get $base)
        (i32.shl (i32.load (i32.add (i32.const 256) (i32.shl (local.get $chain) (i32.const 2)))) (i32.const 3))))
      (block $done
        (br_if $done (i32.ge_u (local.get $r) (local.get $last)))
        (loop $records
          (local.set $row (i32.load (local.get $r)))
          (local.set $end (i32.load offset=4 (local.get $r)))
          (local.set $entry (i32.add (local.get $filters) (i32.shr_u (i32.sub (local.get $row) (local.get $outrow)) (i32.const 5))))
          (local.set $lead (i32.load (local.get $entry)))
          (block $drop
            (block $keep
              (br_if $keep (i32.eqz (local.get $lead)))
              (local.set $info (i32.load offset=4 (local.get $entry)))
              (local.set $n (i32.shr_u (local.get $info) (i32.const 16)))
              (local.set $start (i32.sub (local.get $end) (i32.and (local.get $info) (i32.const 0xffff))))
              (br_if $drop (i32.gt_u (i32.add (local.get $start) (local.get $n)) (local.get $len)))
              (local.set $i (i32.const 0))
              (loop $bytes
                (local.set $c (i32.load8_u (i32.add (i32.add (local.get $text) (local.get $start)) (local.get $i))))
                ;; bytes >= 0x80 pass; an ASCII byte must have its bit in the position's set
                (if (i32.lt_u (local.get $c) (i32.const 128))
                  (then
                    (br_if $drop (i32.eqz (i32.and
                      (i32.shr_u
                        (i32.load (i32.add (i32.add (local.get $lead) (i32.shl (local.get $i) (i32.const 4)))
                                           (i32.shl (i32.shr_u (local.get $c) (i32.const 5)) (i32.const 2))))
                        (i32.and (local.get $c) (i32.const 31)))
                      (i32.const 1))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $bytes (i32.lt_u (local.get $i) (local.get $n)))))
            (i32.store (local.get $w) (local.get $row))
            (i32.store offset=4 (local.get $w) (local.get $end))
            (local.set $w (i32.add (local.get $w) (i32.const 8))))
          (local.set $r (i32.add (local.get $r) (i32.const 8)))
          (br_if $records (i32.lt_u (local.get $r) (local.get $last)))))
      (i32.store (i32.add (i32.const 256) (i32.shl (local.get $chain) (i32.const 2)))
                 (i32.shr_u (i32.sub (local.get $w) (local.get $base)) (i32.const 3)))
      (local.set $chain (i32.add (local.get $chain) (i32.const 1)))
      (br_if $chains (i32.lt_u (local.get $chain) (i32.const 4)))))

  ;; Encoded runs for the decoding pass (decode.ts, which holds the same scan in JavaScript for texts without this
  ;; module): from text[from] on, the maximal runs of encoding characters (class bits at [512, 768): 0 for a byte
  ;; of no encoding, 128 for `=` alone) of 24 to 8,192 characters, up to two `=` included, holding a digit that
  ;; another encoding character follows. Windows of 22 bytes are read from their end backwards, and the next
  ;; window starts after the last byte read that is no encoding's (Boyer-Moore style). Writes up to `max` records
  ;; of 12 bytes (start, end, the run's class bits OR-ed | AND-ed << 8) from `out`; returns how many, and stores at
  ;; 272 where to go on from (the text's end when done).
  (func (export "runs") (param $text i32) (param $from i32) (param $n i32) (param $out i32) (param $max i32) (result i32)
    (local $w i32) (local $lim i32) (local $q i32) (local $k i32) (local $start i32) (local $end i32)
    (local $runEnd i32) (local $o i32) (local $stop i32) (local $c i32) (local $any i32) (local $all i32) (local $head i32)
    (local.set $w (i32.add (local.get $text) (local.get $from)))
    (local.set $lim (i32.add (local.get $text) (local.get $n)))
    (local.set $o (local.get $out))
    (local.set $stop (i32.add (local.get $out) (i32.mul (local.get $max) (i32.const 12))))
    (block $done
      (loop $window
        (br_if $done (i32.gt_u (i32.add (local.get $w) (i32.const 22)) (local.get $lim)))
        (br_if $done (i32.ge_u (local.get $o) (local.get $stop)))
        (local.set $q (i32.add (local.get $w) (i32.const 21)))
        ;; the window's last byte is no encoding's: the next window starts after it
        (if (i32.eqz (i32.and (i32.load8_u offset=512 (i32.load8_u (local.get $q))) (i32.const 127)))
          (then
            (local.set $w (i32.add (local.get $q) (i32.const 1)))
            (br $window)))
        ;; back from q - 1 to w: a byte of no encoding moves the window past it; the class bits of the bytes
        ;; read are gathered on the way (most windows end at a byte of no encoding: that costs little)
        (local.set $any (i32.const 0))
        (local.set $all (i32.const 255))
        (local.set $k (i32.sub (local.get $q) (i32.const 1)))
        (block $whole
          (loop $back
            (br_if $whole (i32.lt_u (local.get $k) (local.get $w)))
            (local.set $c (i32.load8_u offset=512 (i32.load8_u (local.get $k))))
            (if (i32.eqz (i32.and (local.get $c) (i32.const 127)))
              (then
                (local.set $w (i32.add (local.get $k) (i32.const 1)))
                (br $window)))
            (local.set $any (i32.or (local.get $any) (local.get $c)))
            (local.set $all (i32.and (local.get $all) (local.get $c)))
            (local.set $k (i32.sub (local.get $k) (i32.const 1)))
            (br $back)))
        ;; the window lies in a run: its start and end, each byte read once more at most
        (local.set $start (local.get $w))
        (block $s
          (loop $sl
            (br_if $s (i32.le_u (local.get $start) (local.get $text)))
            (local.set $c (i32.load8_u offset=512 (i32.load8_u (i32.sub (local.get $start) (i32.const 1)))))
            (br_if $s (i32.eqz (i32.and (local.get $c) (i32.const 127))))
            (local.set $any (i32.or (local.get $any) (local.get $c)))
            (local.set $all (i32.and (local.get $all) (local.get $c)))
            (local.set $start (i32.sub (local.get $start) (i32.const 1)))
            (br $sl)))
        ;; $head: the bits of [start, runEnd - 1), where the digit must be; then q's byte and the rest of the run
        (local.set $head (local.get $any))
        (local.set $c (i32.load8_u offset=512 (i32.load8_u (local.get $q))))
        (local.set $any (i32.or (local.get $any) (local.get $c)))
        (local.set $all (i32.and (local.get $all) (local.get $c)))
        (local.set $end (i32.add (local.get $q) (i32.const 1)))
        (block $e
          (loop $el
            (br_if $e (i32.ge_u (local.get $end) (local.get $lim)))
            (local.set $c (i32.load8_u offset=512 (i32.load8_u (local.get $end))))
            (br_if $e (i32.eqz (i32.and (local.get $c) (i32.const 127))))
            (local.set $head (local.get $any))
            (local.set $any (i32.or (local.get $any) (local.get $c)))
            (local.set $all (i32.and (local.get $all) (local.get $c)))
            (local.set $end (i32.add (local.get $end) (i32.const 1)))
            (br $el)))
        (local.set $runEnd (local.get $end))
        (local.set $w (i32.add (local.get $runEnd) (i32.const 1)))
        ;; up to two `=` of padding (class 128)
        (if (i32.lt_u (local.get $end) (local.get $lim))
          (then
            (if (i32.eq (i32.load8_u (local.get $end)) (i32.const 61))
              (then
                (local.set $end (i32.add (local.get $end) (i32.const 1)))
                (if (i32.lt_u (local.get $end) (local.get $lim))
                  (then
                    (if (i32.eq (i32.load8_u (local.get $end)) (i32.const 61))
                      (then (local.set $end (i32.add (local.get $end) (i32.const 1)))))))))))
        (br_if $window (i32.lt_u (i32.sub (local.get $end) (local.get $start)) (i32.const 24)))
        (br_if $window (i32.gt_u (i32.sub (local.get $end) (local.get $start)) (i32.const 8192)))
        (br_if $window (i32.eqz (i32.and (local.get $head) (i32.const 4))))
        (if (i32.gt_u (local.get $end) (local.get $runEnd))
          (then
            (local.set $any (i32.or (local.get $any) (i32.load8_u offset=512 (i32.const 61))))
            (local.set $all (i32.and (local.get $all) (i32.load8_u offset=512 (i32.const 61))))))
        (i32.store (local.get $o) (i32.sub (local.get $start) (local.get $text)))
        (i32.store offset=4 (local.get $o) (i32.sub (local.get $end) (local.get $text)))
        (i32.store offset=8 (local.get $o) (i32.or (local.get $any) (i32.shl (local.get $all) (i32.const 8))))
        (local.set $o (i32.add (local.get $o) (i32.const 12)))
        (br $window)))
    (i32.store (i32.const 272) (i32.sub (select (local.get $w) (local.get $lim) (i32.lt_u (local.get $w) (local.get $lim))) (local.get $text)))
    (i32.div_u (i32.sub (local.get $o) (local.get $out)) (i32.const 12)))

  ;; Fills the table: n entries at `dst`, entry i the address of the row whose index is the 16-bit value i at
  ;; `src` (rows are 256 bytes from `base`). Done here at start-up, as a loop in JavaScript would be interpreted.
  (func (export "expand") (param $dst i32) (param $src i32) (param $n i32) (param $base i32)
    (local $i i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $entries
        (i32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
                   (i32.add (local.get $base) (i32.shl (i32.load16_u (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 1)))) (i32.const 8))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $entries (i32.lt_u (local.get $i) (local.get $n))))))

  ;; max(text, p - warm) without going below the text's start
  (func $from (param $text i32) (param $p i32) (param $warm i32) (result i32)
    (select
      (local.get $text)
      (i32.sub (local.get $p) (local.get $warm))
      (i32.lt_u (i32.sub (local.get $p) (local.get $text)) (local.get $warm))))
)
