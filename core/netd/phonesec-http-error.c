/* phonesec-http-error.c: the error domain of the SDK's HTTP calls, a leaf
 * that requests and the client both use.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec-http.h>

/* The quark's name is the macro argument spelt out. */
/* clang-format off */
G_DEFINE_QUARK (phonesec-http-error-quark, phonesec_http_error)
/* clang-format on */
