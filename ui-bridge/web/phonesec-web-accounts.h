/* phonesec-web-accounts.h: the web UI's two accounts (admin, user), their
 * salted password hashes.
 *
 * The core schema has no password parameters for the web accounts, so the
 * hashes live in phonesec-web's own state folder (file "accounts", 0600):
 *   [admin]
 *   hash=pbkdf2-sha256$<iterations>$<salt base64>$<key base64>
 * At first start each missing account gets a random password, printed once
 * on stdout; `phonesec-web --set-password ACCOUNT` (password on stdin)
 * replaces one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PHONESEC_WEB_PBKDF2_ITERATIONS 100000

typedef enum
{
  PHONESEC_WEB_ROLE_NONE,
  PHONESEC_WEB_ROLE_ADMIN,
  PHONESEC_WEB_ROLE_USER,
} PhonesecWebRole;

const char *phonesec_web_role_to_string (PhonesecWebRole role);
PhonesecWebRole phonesec_web_role_from_string (const char *name);

/* "pbkdf2-sha256$iter$salt$key" for @password with a fresh random salt. */
char *phonesec_web_hash_password (const char *password, guint iterations, GError **error);
/* Constant-time check of @password against a stored hash; FALSE for a
 * malformed hash. Slow on purpose (PBKDF2): call it from a worker thread. */
gboolean phonesec_web_verify_password (const char *stored, const char *password);

/* The accounts file: loads it, creating random passwords for missing
 * accounts (printed on stdout, once). */
GKeyFile *phonesec_web_accounts_load (const char *state_dir, GError **error);
/* Sets the password of @role in the file (atomic write, 0600). */
gboolean phonesec_web_accounts_set_password (const char *state_dir, PhonesecWebRole role,
                                             const char *password, GError **error);

G_END_DECLS
