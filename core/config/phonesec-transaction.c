/* phonesec-transaction.c: a list of changes, applied all at once or not at all.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-transaction-private.h"

static void
op_free (Op *op)
{
  g_free (op->name);
  g_clear_pointer (&op->value, g_variant_unref);
  g_free (op->ua);
  g_free (op);
}

PhonesecTransaction *
phonesec_transaction_new (PhonesecRole role)
{
  PhonesecTransaction *txn = g_new0 (PhonesecTransaction, 1);

  txn->role = role;
  txn->strict = TRUE;
  txn->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) op_free);
  return txn;
}

void
phonesec_transaction_free (PhonesecTransaction *txn)
{
  if (txn == NULL)
    return;
  g_ptr_array_unref (txn->ops);
  g_free (txn->source);
  g_free (txn);
}

void
phonesec_transaction_set_strict (PhonesecTransaction *txn, gboolean strict)
{
  txn->strict = strict;
}

void
phonesec_transaction_set_dry_run (PhonesecTransaction *txn, gboolean dry_run)
{
  txn->dry_run = dry_run;
}

void
phonesec_transaction_set_expected_generation (PhonesecTransaction *txn, guint64 generation)
{
  txn->has_expected_generation = TRUE;
  txn->expected_generation = generation;
}

void
phonesec_transaction_set_source (PhonesecTransaction *txn, const char *source)
{
  g_free (txn->source);
  txn->source = g_strdup (source);
}

void
phonesec_transaction_add_value (PhonesecTransaction *txn, const char *name, GVariant *value,
                                const char *ua)
{
  Op *op = g_new0 (Op, 1);

  op->kind = OP_VALUE;
  op->name = g_strdup (name);
  op->value = value != NULL ? g_variant_ref_sink (value) : NULL;
  op->ua = g_strdup (ua);
  g_ptr_array_add (txn->ops, op);
}

void
phonesec_transaction_add_reset (PhonesecTransaction *txn, const char *name)
{
  Op *op = g_new0 (Op, 1);

  op->kind = OP_RESET;
  op->name = g_strdup (name);
  g_ptr_array_add (txn->ops, op);
}

void
phonesec_transaction_add_skipped (PhonesecTransaction *txn, const char *name, const char *reason)
{
  Op *op = g_new0 (Op, 1);

  op->kind = OP_SKIPPED;
  op->name = g_strdup (name);
  op->ua = g_strdup (reason);
  g_ptr_array_add (txn->ops, op);
}
