/* gpuk_buffer_fill for patterns of 8 to 128 bytes on devices whose own fill
 * stops at 4 bytes (CUDA's cuMemsetD32): n 8-byte units from unit `first` of
 * dst. p0..p15 are the 128 bytes of the pattern repeated (a shorter pattern
 * repeats within them), as 8-byte units in memory order. The global size must
 * be a multiple of 16: then every unit a work-item stores sits at the same
 * place in the 128-byte period, and the work-item picks its value once. */
__kernel void gpuk_fill_period128(__global ulong *restrict dst, ulong first, ulong n, ulong p0,
                                  ulong p1, ulong p2, ulong p3, ulong p4, ulong p5, ulong p6,
                                  ulong p7, ulong p8, ulong p9, ulong p10, ulong p11, ulong p12,
                                  ulong p13, ulong p14, ulong p15) {
  const ulong period[16] = {p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15};
  const ulong id = get_global_id(0);
  const ulong value = period[id & 15];
  for (ulong i = id; i < n; i += get_global_size(0)) dst[first + i] = value;
}
