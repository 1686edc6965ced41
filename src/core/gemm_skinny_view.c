/* A matrix product as a skinny one (see gemm.h): which operand is the few
 * vectors, which the big matrix, and which way each is read. */
#include "gemm.h"

gpuk__gemm_skinny_view gpuk__gemm_skinny_view_of(const gpuk__gemm_args *g, int few_rows) {
  gpuk__gemm_skinny_view v;
  if (few_rows) { /* small(f, p) = op(A)[f][p], big(l, p) = op(B)[p][l], C(f, l) */
    v.few = g->m;
    v.len = g->n;
    v.small = g->a;
    v.small_offset = g->a_offset;
    v.small_f = g->trans_a ? 1 : g->lda;
    v.small_p = g->trans_a ? g->lda : 1;
    v.big = g->b;
    v.big_offset = g->b_offset;
    v.big_ld = g->ldb;
    v.along_k = g->trans_b != GPUK_NO_TRANS;
    v.c_f = g->ldc;
    v.c_l = 1;
  } else { /* small(f, p) = op(B)[p][f], big(l, p) = op(A)[l][p], C(l, f) */
    v.few = g->n;
    v.len = g->m;
    v.small = g->b;
    v.small_offset = g->b_offset;
    v.small_f = g->trans_b ? g->ldb : 1;
    v.small_p = g->trans_b ? 1 : g->ldb;
    v.big = g->a;
    v.big_offset = g->a_offset;
    v.big_ld = g->lda;
    v.along_k = g->trans_a == GPUK_NO_TRANS;
    v.c_f = 1;
    v.c_l = g->ldc;
  }
  /* One row of big with unit stride runs along k either way: a dot product
   * (1 x 1 x 4000000 nn and tn on PoCL, 2 rounds: 2.4-3.8 ms in the rows
   * form, 0.74-0.95 as dots). */
  if (v.len == 1 && v.big_ld == 1) v.along_k = 1;
  return v;
}
