/* phonesec-transaction-private.h: what the store reads of a transaction.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-config-store.h"

G_BEGIN_DECLS

typedef enum
{
  OP_VALUE,
  OP_RESET,
  OP_SKIPPED,
} OpKind;

typedef struct
{
  OpKind kind;
  char *name;      /* NULL for "reset all" */
  GVariant *value; /* OP_VALUE, nullable */
  char *ua;        /* OP_VALUE, nullable; OP_SKIPPED: the reason */
} Op;

struct _PhonesecTransaction
{
  PhonesecRole role;
  gboolean strict;
  gboolean dry_run;
  gboolean has_expected_generation;
  guint64 expected_generation;
  char *source;
  GPtrArray *ops; /* of Op* */
};

G_END_DECLS
