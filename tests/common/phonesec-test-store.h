/* phonesec-test-store.h: reading phonesecd's store file as an engineer
 * would, to check what the daemon wrote.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The key file at @path, after checking its [Integrity] group (the last
 * one: Length and SHA256 of every byte above its line) here, without the
 * daemon's code. NULL with the reason when the file does not match. */
GKeyFile *phonesec_test_read_sealed_store (const char *path, GError **error);

/* The bytes of the file at @path; asserts it can be read. */
GBytes *phonesec_test_read_bytes (const char *path);

G_END_DECLS
