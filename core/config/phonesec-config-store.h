/* phonesec-config-store.h: current values, user access, transactions, and
 * their durable storage in one key file.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec-schema.h"

G_BEGIN_DECLS

/* Who acts: the admin sees and writes everything (but reads no secret); the
 * phone's user is limited by each parameter's ua. */
typedef enum
{
  PHONESEC_ROLE_ADMIN,
  PHONESEC_ROLE_USER,
} PhonesecRole;

typedef struct _PhonesecTransaction PhonesecTransaction;

PhonesecTransaction *phonesec_transaction_new (PhonesecRole role);
void phonesec_transaction_free (PhonesecTransaction *txn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecTransaction, phonesec_transaction_free)

/* Strict (the default): any bad entry rejects the whole transaction.
 * Lenient (cfg.xml import): bad entries are skipped and reported. Unknown
 * names are always only reported in lenient mode. */
void phonesec_transaction_set_strict (PhonesecTransaction *txn, gboolean strict);
void phonesec_transaction_set_dry_run (PhonesecTransaction *txn, gboolean dry_run);
void phonesec_transaction_set_expected_generation (PhonesecTransaction *txn, guint64 generation);
void phonesec_transaction_set_source (PhonesecTransaction *txn, const char *source);
/* @value: (nullable) typed or "s"; @ua: (nullable) "na"/"ro"/"rw" as written.
 * Later entries for the same parameter win. */
void phonesec_transaction_add_value (PhonesecTransaction *txn, const char *name, GVariant *value,
                                     const char *ua);
/* @name: (nullable) a parameter, or NULL for every one the role may write */
void phonesec_transaction_add_reset (PhonesecTransaction *txn, const char *name);
/* Something the caller already knows it skipped (e.g. a cfg.xml problem). */
void phonesec_transaction_add_skipped (PhonesecTransaction *txn, const char *name,
                                       const char *reason);

#define PHONESEC_TYPE_CONFIG_STORE (phonesec_config_store_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecConfigStore, phonesec_config_store, PHONESEC, CONFIG_STORE, GObject)

/* @schema: borrowed, must outlive the store */
PhonesecConfigStore *phonesec_config_store_new (PhonesecSchema *schema, const char *path);

/**
 * phonesec_config_store_load:
 * @out_existed: (out) (optional): whether a stored configuration existed
 *
 * Reads the key file and checks its seal (length and SHA-256; a file of the
 * old format, without one, is accepted unverified). No file at all is a
 * first boot (TRUE, defaults). A file that fails its check or cannot be
 * parsed is renamed to `<path>.corrupt` and the previous generation,
 * `<path>.prev`, is loaded instead (and linked back as @path); when it is
 * missing or bad too (then set aside as well) the store stays on defaults.
 * Either way FALSE is returned with what happened, for Manager.StoreError.
 * Values that no longer fit
 * the schema are dropped with a warning; values of parameters nobody declares
 * now (a plugin not installed) are kept and written back untouched. Temp
 * files left by an interrupted write are removed: the caller must be the only
 * writer of the folder (phonesecd holds a lock on it).
 */
gboolean phonesec_config_store_load (PhonesecConfigStore *self, gboolean *out_existed,
                                     GError **error);

/* Re-reads values kept for unknown names, after a plugin added its schema. */
void phonesec_config_store_adopt_orphans (PhonesecConfigStore *self);

const char *phonesec_config_store_get_path (PhonesecConfigStore *self);
PhonesecSchema *phonesec_config_store_get_schema (PhonesecConfigStore *self);
guint64 phonesec_config_store_get_generation (PhonesecConfigStore *self);
/* Transfer none: the current (or default) typed value. */
GVariant *phonesec_config_store_get_value (PhonesecConfigStore *self,
                                           const PhonesecParamSpec *spec);
PhonesecAccess phonesec_config_store_get_access (PhonesecConfigStore *self,
                                                 const PhonesecParamSpec *spec);
/* The value differs from the default. */
gboolean phonesec_config_store_is_set (PhonesecConfigStore *self, const PhonesecParamSpec *spec);
/* Whether @role may see / write @spec. */
gboolean phonesec_config_store_can_read (PhonesecConfigStore *self, const PhonesecParamSpec *spec,
                                         PhonesecRole role);
gboolean phonesec_config_store_can_write (PhonesecConfigStore *self, const PhonesecParamSpec *spec,
                                          PhonesecRole role);
/* Every non-empty secret value and every credential inside a value (for
 * the log writer's mask). */
GStrv phonesec_config_store_dup_secret_values (PhonesecConfigStore *self);
/* TRUE while a transaction is being written. */
gboolean phonesec_config_store_is_busy (PhonesecConfigStore *self);

/**
 * phonesec_config_store_commit_async:
 * @txn: (transfer full): the transaction
 *
 * Transactions run one at a time, in call order, each against the state its
 * predecessor left. The file is written (atomic rename, fsync'd) in a worker
 * thread; the new state becomes visible and "changed" is emitted only after
 * the write succeeded.
 */
void phonesec_config_store_commit_async (PhonesecConfigStore *self, PhonesecTransaction *txn,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data);
/**
 * phonesec_config_store_commit_finish:
 * @out_generation: (out) (optional): the generation after the transaction
 * @out_skipped: (out) (optional) (transfer full): name → reason of every
 *   entry skipped (lenient mode) — never %NULL on success
 */
gboolean phonesec_config_store_commit_finish (PhonesecConfigStore *self, GAsyncResult *result,
                                              guint64 *out_generation, GHashTable **out_skipped,
                                              GError **error);

G_END_DECLS
