/* test-phonesecctl-sip-message.c: `phonesecctl sip register`'s parser of
 * what a registrar sends (ui-bridge/phonesecctl-sip-message.c).
 *
 * A good response first, then bad input: each either waits for more bytes
 * (complete FALSE, no error) or gives one clear error, never a response.
 * tests/fuzz/fuzz-sip-response.c explores the rest.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesecctl-sip-message.h"

#define HEAD_401                                                                                   \
  "SIP/2.0 401 Unauthorized\r\n"                                                                   \
  "Via: SIP/2.0/UDP 10.77.0.2:41234;branch=z9hG4bK1f2e;rport=41234\r\n"                            \
  "From: <sip:1001@sip.phonesec.test>;tag=5a6b7c8d\r\n"                                            \
  "To: <sip:1001@sip.phonesec.test>;tag=0d6d.a1b2\r\n"                                             \
  "Call-ID: 9c8b7a6f@phonesecctl\r\n"                                                              \
  "CSeq: 1 REGISTER\r\n"

#define CHALLENGE_MD5 "Digest realm=\"sip.phonesec.test\", nonce=\"Z1Xb\""
#define CHALLENGE_SHA "Digest realm=\"sip.phonesec.test\", nonce=\"Z1Xc\", algorithm=SHA-256"

static PhonesecctlSipResponse *
parse (const char *data, gsize len, gboolean *complete, GError **error)
{
  return phonesecctl_sip_response_parse (data, len, complete, error);
}

/* @text gives an error containing @phrase: one line, short, UTF-8. */
static void
assert_refused (const char *text, gsize len, gint code, const char *phrase)
{
  g_autoptr (GError) error = NULL;
  gboolean complete = TRUE;
  g_autoptr (PhonesecctlSipResponse) response = parse (text, len, &complete, &error);

  g_assert_null (response);
  g_assert_false (complete);
  g_assert_error (error, G_IO_ERROR, code);
  g_assert_nonnull (strstr (error->message, phrase));
  g_assert_null (strpbrk (error->message, "\r\n"));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), <, 200);
}

static void
assert_incomplete (const char *text, gsize len)
{
  g_autoptr (GError) error = NULL;
  gboolean complete = TRUE;
  g_autoptr (PhonesecctlSipResponse) response = parse (text, len, &complete, &error);

  g_assert_null (response);
  g_assert_no_error (error);
  g_assert_false (complete);
}

static PhonesecctlSipResponse *
parse_good (const char *text, gsize len)
{
  g_autoptr (GError) error = NULL;
  gboolean complete = FALSE;
  PhonesecctlSipResponse *response = parse (text, len, &complete, &error);

  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_true (complete);
  return response;
}

static void
test_good_401 (void)
{
  const char *text = HEAD_401 "WWW-Authenticate: " CHALLENGE_MD5 "\r\n"
                              "Content-Length: 0\r\n\r\nSIP/2.0 200 OK\r\n";
  g_autoptr (PhonesecctlSipResponse) r = parse_good (text, strlen (text));

  g_assert_cmpuint (r->status, ==, 401);
  g_assert_cmpstr (r->reason, ==, "Unauthorized");
  g_assert_cmpstr (phonesecctl_sip_response_get (r, "call-id"), ==, "9c8b7a6f@phonesecctl");
  g_assert_cmpstr (phonesecctl_sip_response_get (r, "WWW-Authenticate"), ==, CHALLENGE_MD5);
  /* The next message of the stream is not part of this one. */
  g_assert_cmpuint (r->length, ==, strstr (text, "SIP/2.0 200") - text);
}

static void
test_duplicate_www_authenticate (void)
{
  const char *text = HEAD_401 "WWW-Authenticate: " CHALLENGE_SHA "\r\n"
                              "www-authenticate: " CHALLENGE_MD5 "\r\n"
                              "Content-Length: 0\r\n\r\n";
  g_autoptr (PhonesecctlSipResponse) r = parse_good (text, strlen (text));
  g_autoptr (GPtrArray) all = phonesecctl_sip_response_get_all (r, "WWW-Authenticate");

  /* Both, in the server's order: Authorize picks among them. */
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpstr (all->pdata[0], ==, CHALLENGE_SHA);
  g_assert_cmpstr (all->pdata[1], ==, CHALLENGE_MD5);
}

static void
test_folded_lines (void)
{
  const char *text = HEAD_401 "WWW-Authenticate: Digest realm=\"sip.phonesec.test\",\r\n"
                              " \t nonce=\"Z1Xb\"\r\n"
                              "\talgorithm=MD5\r\n"
                              "l: 0\r\n\r\n";
  g_autoptr (PhonesecctlSipResponse) r = parse_good (text, strlen (text));

  g_assert_cmpstr (phonesecctl_sip_response_get (r, "WWW-Authenticate"), ==,
                   "Digest realm=\"sip.phonesec.test\", nonce=\"Z1Xb\" algorithm=MD5");
  g_assert_cmpuint (r->names->len, ==, 7);
}

static void
test_folded_first_line (void)
{
  const char *text = "SIP/2.0 200 OK\r\n Call-ID: x\r\n\r\n";

  assert_refused (text, strlen (text), G_IO_ERROR_INVALID_DATA, "continuation");
}

static void
test_keepalive_crlf_before (void)
{
  const char *text = "\r\n\r\nSIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
  g_autoptr (PhonesecctlSipResponse) r = parse_good (text, strlen (text));

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (r->length, ==, strlen (text));
}

static void
test_truncated_status_line (void)
{
  const char *bad[] = { "SIP/2.0\r\n\r\n",
                        "SIP/2.0 \r\n\r\n",
                        "SIP/2.0 40\r\n\r\n",
                        "SIP/2.0 4011 Unauthorized\r\n\r\n",
                        "SIP/1.0 401 Unauthorized\r\n\r\n",
                        "\r\n" };

  for (guint i = 0; i < G_N_ELEMENTS (bad) - 1; i++)
    assert_refused (bad[i], strlen (bad[i]), G_IO_ERROR_INVALID_DATA, "not a SIP response");
  /* Cut before the blank line: more bytes may come. */
  assert_incomplete ("SIP/2.0 40", strlen ("SIP/2.0 40"));
  assert_incomplete (HEAD_401, strlen (HEAD_401));
  assert_incomplete (bad[G_N_ELEMENTS (bad) - 1], 2);
}

static void
test_non_numeric_status (void)
{
  const char *bad[] = { "SIP/2.0 abc Unauthorized\r\n\r\n",
                        "SIP/2.0 +01 OK\r\n\r\n",
                        "SIP/2.0 -01 OK\r\n\r\n",
                        "SIP/2.0 0x1 OK\r\n\r\n",
                        "SIP/2.0 099 Too low\r\n\r\n",
                        "SIP/2.0 700 Too high\r\n\r\n",
                        "SIP/2.0 2OO OK\r\n\r\n" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_refused (bad[i], strlen (bad[i]), G_IO_ERROR_INVALID_DATA, "not a SIP response");
}

static void
test_no_crlf (void)
{
  const char *lf_only = "SIP/2.0 200 OK\nContent-Length: 0\n\n";
  g_autofree char *endless = g_strnfill (PHONESECCTL_SIP_MAX_MESSAGE + 1, 'a');

  assert_refused (lf_only, strlen (lf_only), G_IO_ERROR_INVALID_DATA, "CRLF");
  /* A lone CR or LF inside a line is a control character, not a line end. */
  assert_refused ("SIP/2.0 200 OK\rX\r\n\r\n", 20, G_IO_ERROR_INVALID_DATA, "control character");
  assert_refused ("SIP/2.0 200 OK\nX: y\r\n\r\n", 23, G_IO_ERROR_INVALID_DATA, "control character");
  /* Waits for the end of the head, but not beyond the limit. */
  assert_incomplete ("SIP/2.0 200 OK\r\nContent-Length: 0\r\n", 35);
  assert_refused (endless, strlen (endless), G_IO_ERROR_MESSAGE_TOO_LARGE, "larger than");
}

static void
test_huge_headers (void)
{
  g_autoptr (GString) text = g_string_new ("SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: Digest ");
  g_autoptr (PhonesecctlSipResponse) r = NULL;

  /* One header just under the limit is read whole... */
  g_string_append_c (text, 'n');
  while (text->len < PHONESECCTL_SIP_MAX_MESSAGE - 100)
    g_string_append_c (text, 'n');
  g_string_append (text, "\r\n\r\n");
  r = parse_good (text->str, text->len);
  g_assert_cmpuint (strlen (phonesecctl_sip_response_get (r, "WWW-Authenticate")), >, 65000);
  /* ...one over it, even with its end in the same read, is refused. */
  g_string_truncate (text, text->len - 4);
  for (guint i = 0; i < 200; i++)
    g_string_append_c (text, 'n');
  g_string_append (text, "\r\n\r\n");
  assert_refused (text->str, text->len, G_IO_ERROR_MESSAGE_TOO_LARGE, "larger than");
}

static void
test_ten_thousand_headers (void)
{
  g_autoptr (GString) text = g_string_new ("SIP/2.0 200 OK\r\n");

  for (guint i = 0; i < 10000; i++)
    g_string_append (text, "a:b\r\n");
  g_string_append (text, "\r\n");
  g_assert_cmpuint (text->len, <, PHONESECCTL_SIP_MAX_MESSAGE);
  assert_refused (text->str, text->len, G_IO_ERROR_MESSAGE_TOO_LARGE, "more than 256 headers");
}

static void
test_nul_bytes (void)
{
  static const char in_head[] = "SIP/2.0 401 Unauth\0orized\r\nContent-Length: 0\r\n\r\n";
  static const char in_body[] = "SIP/2.0 200 OK\r\nContent-Length: 3\r\n\r\na\0b";
  g_autoptr (PhonesecctlSipResponse) r = NULL;

  assert_refused (in_head, sizeof in_head - 1, G_IO_ERROR_INVALID_DATA, "NUL byte");
  /* Before the head's end too: no use waiting for more. */
  assert_refused (in_head, 20, G_IO_ERROR_INVALID_DATA, "NUL byte");
  /* A body is bytes. */
  r = parse_good (in_body, sizeof in_body - 1);
  g_assert_cmpuint (r->length, ==, sizeof in_body - 1);
}

static void
test_control_characters (void)
{
  /* An escape sequence for the terminal, in the reason phrase printed. */
  const char *escape = "SIP/2.0 200 \033[2J\033[HOK\r\n\r\n";
  const char *not_utf8 = "SIP/2.0 200 \xff\xfe OK\r\n\r\n";

  assert_refused (escape, strlen (escape), G_IO_ERROR_INVALID_DATA, "control character");
  assert_refused (not_utf8, strlen (not_utf8), G_IO_ERROR_INVALID_DATA, "not UTF-8");
}

static void
test_bad_header_lines (void)
{
  const char *no_colon = "SIP/2.0 200 OK\r\nNoColonHere\r\n\r\n";
  const char *no_name = "SIP/2.0 200 OK\r\n: value\r\n\r\n";
  const char *spaced = "SIP/2.0 200 OK\r\nCall ID: x\r\n\r\n";
  g_autofree char *long_line = g_strdup_printf ("SIP/2.0 200 OK\r\n%0500d\r\n\r\n", 0);
  g_autoptr (GError) error = NULL;
  gboolean complete;

  assert_refused (no_colon, strlen (no_colon), G_IO_ERROR_INVALID_DATA, "without ':': NoColonHere");
  assert_refused (no_name, strlen (no_name), G_IO_ERROR_INVALID_DATA, "bad header name");
  assert_refused (spaced, strlen (spaced), G_IO_ERROR_INVALID_DATA, "bad header name");
  /* The message quotes only the line's start. */
  g_assert_null (parse (long_line, strlen (long_line), &complete, &error));
  g_assert_cmpuint (strlen (error->message), <, 150);
}

static void
test_content_length_lies (void)
{
  const char *longer = "SIP/2.0 200 OK\r\nContent-Length: 10\r\n\r\nabc";
  const char *shorter = "SIP/2.0 200 OK\r\nContent-Length: 1\r\n\r\nabcSIP";
  const char *disagree = "SIP/2.0 200 OK\r\nContent-Length: 0\r\nl: 3\r\n\r\nabc";
  const char *bad[] = { "SIP/2.0 200 OK\r\nContent-Length: -1\r\n\r\n",
                        "SIP/2.0 200 OK\r\nContent-Length: +3\r\n\r\nabc",
                        "SIP/2.0 200 OK\r\nContent-Length: 3x\r\n\r\nabc",
                        "SIP/2.0 200 OK\r\nContent-Length:\r\n\r\n",
                        "SIP/2.0 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
                        "SIP/2.0 200 OK\r\nContent-Length: 65537\r\n\r\n" };
  g_autoptr (PhonesecctlSipResponse) r = NULL;

  /* More announced than sent: wait (over UDP the datagram is dropped). */
  assert_incomplete (longer, strlen (longer));
  /* Less: the message ends where it says; the rest is the next one's. */
  r = parse_good (shorter, strlen (shorter));
  g_assert_cmpuint (r->length, ==, strlen (shorter) - 5);
  assert_refused (disagree, strlen (disagree), G_IO_ERROR_INVALID_DATA, "bad Content-Length: 3");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_refused (bad[i], strlen (bad[i]), G_IO_ERROR_INVALID_DATA, "bad Content-Length");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip-message/good-401", test_good_401);
  g_test_add_func ("/sip-message/duplicate-www-authenticate", test_duplicate_www_authenticate);
  g_test_add_func ("/sip-message/folded-lines", test_folded_lines);
  g_test_add_func ("/sip-message/keepalive-crlf-before", test_keepalive_crlf_before);
  g_test_add_func ("/sip-message/bad/folded-first-line", test_folded_first_line);
  g_test_add_func ("/sip-message/bad/truncated-status-line", test_truncated_status_line);
  g_test_add_func ("/sip-message/bad/non-numeric-status", test_non_numeric_status);
  g_test_add_func ("/sip-message/bad/no-crlf", test_no_crlf);
  g_test_add_func ("/sip-message/bad/huge-headers", test_huge_headers);
  g_test_add_func ("/sip-message/bad/ten-thousand-headers", test_ten_thousand_headers);
  g_test_add_func ("/sip-message/bad/nul-bytes", test_nul_bytes);
  g_test_add_func ("/sip-message/bad/control-characters", test_control_characters);
  g_test_add_func ("/sip-message/bad/header-lines", test_bad_header_lines);
  g_test_add_func ("/sip-message/bad/content-length-lies", test_content_length_lies);
  return g_test_run ();
}
