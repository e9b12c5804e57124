/* phonesec-error.h: the one error domain of phonesec and its D-Bus names.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

/**
 * PHONESEC_ERROR:
 *
 * The error domain of phonesec. Every code is registered with GDBus as
 * `org.phonesec.PhoneSec1.Error.<Name>`, so an error returned by a plugin's
 * D-Bus method reaches the caller with a stable name.
 */
#define PHONESEC_ERROR (phonesec_error_quark ())

/**
 * PhonesecError:
 * @PHONESEC_ERROR_FAILED: generic failure (`Error.Failed`)
 * @PHONESEC_ERROR_UNKNOWN_PARAMETER: no such parameter, or hidden from the caller
 * @PHONESEC_ERROR_INVALID_VALUE: a value is not allowed for its parameter
 * @PHONESEC_ERROR_PERMISSION_DENIED: the caller may not do this
 * @PHONESEC_ERROR_CONFLICT: the configuration changed since the caller read it
 * @PHONESEC_ERROR_NOT_SUPPORTED: the operation is not supported here
 * @PHONESEC_ERROR_IN_PROGRESS: the same operation is already running
 * @PHONESEC_ERROR_NOT_FOUND: the object asked for does not exist
 */
typedef enum
{
  PHONESEC_ERROR_FAILED,
  PHONESEC_ERROR_UNKNOWN_PARAMETER,
  PHONESEC_ERROR_INVALID_VALUE,
  PHONESEC_ERROR_PERMISSION_DENIED,
  PHONESEC_ERROR_CONFLICT,
  PHONESEC_ERROR_NOT_SUPPORTED,
  PHONESEC_ERROR_IN_PROGRESS,
  PHONESEC_ERROR_NOT_FOUND,
} PhonesecError;

#define PHONESEC_ERROR_N_CODES (PHONESEC_ERROR_NOT_FOUND + 1)

PHONESEC_API GQuark phonesec_error_quark (void);

/**
 * PHONESEC_QUOTE_MAX_CHARS:
 *
 * The most characters of caller input that phonesec_quote_for_message()
 * keeps: above the longest parameter name, far below a screen line.
 */
#define PHONESEC_QUOTE_MAX_CHARS 64

/**
 * phonesec_quote_for_message:
 * @text: caller input: a parameter name, a value, an id
 * @len: its length in bytes, or -1 when NUL-terminated
 *
 * The one way to put caller input into an error or log message: at most
 * %PHONESEC_QUOTE_MAX_CHARS characters, "…" when cut; line breaks and tabs
 * escaped as `\n`, `\r`, `\t`, other control characters and invalid
 * UTF-8 as `\xNN` or `\uNNNN`. So a 16 MiB name gives a short message, and a
 * name holding "\nProxy_Port: forged" cannot add a line that a client splitting
 * "NAME: reason" lines would read as a problem of its own.
 *
 * Never pass a secret: quoting shortens, it does not hide.
 *
 * Returns: (transfer full): the single-line, valid UTF-8 excerpt
 */
PHONESEC_API char *phonesec_quote_for_message (const char *text, gssize len);

G_END_DECLS
