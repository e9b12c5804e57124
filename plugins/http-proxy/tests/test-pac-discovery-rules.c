/* test-pac-discovery-rules.c: the pure parts of PAC discovery: the WPAD
 * name walk, DHCP option 252, PAC URL checks and redaction, TFTP packets.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec.h>
#include <string.h>

#include "phonesec-pac-url.h"
#include "phonesec-tftp-packet.h"
#include "phonesec-wpad-rules.h"

/* --- WPAD names ------------------------------------------------------------ */

static void
assert_candidates (const char *domain, const char *const *expected)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) got = phonesec_wpad_dns_candidates (domain, &error);

  g_assert_no_error (error);
  g_assert_nonnull (got);
  if (!g_strv_equal ((const char *const *) got, expected))
    {
      g_autofree char *a = g_strjoinv (", ", got);
      g_autofree char *b = g_strjoinv (", ", (char **) expected);
      g_error ("%s: got [%s], expected [%s]", domain, a, b);
    }
}

static void
test_wpad_walk (void)
{
  assert_candidates (
      "a.b.example.com",
      (const char *[]){ "wpad.a.b.example.com", "wpad.b.example.com", "wpad.example.com", NULL });
  assert_candidates ("example.com", (const char *[]){ "wpad.example.com", NULL });
  /* A trailing dot and capitals are the same name. */
  assert_candidates ("B.Example.COM.",
                     (const char *[]){ "wpad.b.example.com", "wpad.example.com", NULL });
}

static void
test_wpad_public_suffixes (void)
{
  /* Never wpad.<public suffix>: whoever registers it would get the phone's
   * traffic. */
  assert_candidates ("x.example.co.uk",
                     (const char *[]){ "wpad.x.example.co.uk", "wpad.example.co.uk", NULL });
  assert_candidates ("com", (const char *[]){ NULL });
  assert_candidates ("co.uk", (const char *[]){ NULL });
  assert_candidates ("lan", (const char *[]){ NULL });
  /* A private suffix (github.io) counts too. */
  assert_candidates ("a.foo.github.io",
                     (const char *[]){ "wpad.a.foo.github.io", "wpad.foo.github.io", NULL });
  /* An internal top-level domain: one level under it is the organisation. */
  assert_candidates ("a.example.corp",
                     (const char *[]){ "wpad.a.example.corp", "wpad.example.corp", NULL });
}

static void
test_wpad_bad_domains (void)
{
  g_autofree char *long_label = g_strnfill (64, 'a');
  g_autofree char *long_label_domain = g_strconcat (long_label, ".example.com", NULL);
  g_autoptr (GString) long_name = g_string_new (NULL);
  const char *bad[] = {
    "",
    ".",
    "..",
    "a..example.com",
    ".example.com",
    "-a.example.com",
    "a-.example.com",
    "a b.example.com",
    "a/b.example.com",
    "ex\xc3\xa9.com",
    "a.example.com..",
    "a\tb.com",
    "a@b.com",
    "a:80.example.com",
  };

  while (long_name->len < 260)
    g_string_append (long_name, "abcdefghi.");
  g_string_append (long_name, "com");

  for (guint i = 0; i < G_N_ELEMENTS (bad) + 2; i++)
    {
      const char *domain = i < G_N_ELEMENTS (bad)    ? bad[i]
                           : i == G_N_ELEMENTS (bad) ? long_label_domain
                                                     : long_name->str;
      g_autoptr (GError) error = NULL;
      g_auto (GStrv) got = phonesec_wpad_dns_candidates (domain, &error);

      if (got != NULL)
        g_error ("\"%s\" was accepted", domain);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, "not a valid domain name"));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

static GVariant *
network_with (const char *domain, GVariant *options)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  if (domain != NULL)
    g_variant_dict_insert (&dict, "domain", "s", domain);
  if (options != NULL)
    g_variant_dict_insert_value (&dict, "dhcp-options", options);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static void
test_wpad_dhcp_option (void)
{
  struct
  {
    const char *options; /* GVariant text */
    const char *expected;
  } cases[] = {
    { "{uint32 252: 'http://10.0.0.1/wpad.dat'}", "http://10.0.0.1/wpad.dat" },
    { "{uint32 15: 'example.com', 252: ' http://10.0.0.1/p.pac\n'}", "http://10.0.0.1/p.pac" },
    { "{uint32 15: 'example.com'}", NULL },
    { "{uint32 252: '   '}", NULL },
    { "@a{us} {}", NULL },
    /* The wrong type is ignored, not trusted. */
    { "{'252': 'http://10.0.0.1/wpad.dat'}", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) options = g_variant_parse (NULL, cases[i].options, NULL, NULL, &error);
      g_autoptr (GVariant) network = NULL;
      g_autofree char *url = NULL;

      g_assert_no_error (error);
      network = network_with ("example.com", options);
      url = phonesec_wpad_dhcp_url (network);
      g_assert_cmpstr (url, ==, cases[i].expected);
    }
  g_assert_null (phonesec_wpad_dhcp_url (NULL));
  {
    g_autoptr (GVariant) not_a_dict = g_variant_ref_sink (g_variant_new_string ("x"));

    g_assert_null (phonesec_wpad_dhcp_url (not_a_dict));
    g_assert_null (phonesec_wpad_network_domain (not_a_dict));
  }
  {
    g_autoptr (GVariant) n = network_with ("corp.example.com", NULL);
    g_autoptr (GVariant) empty = network_with ("", NULL);
    g_autofree char *d = phonesec_wpad_network_domain (n);

    g_assert_cmpstr (d, ==, "corp.example.com");
    g_assert_null (phonesec_wpad_network_domain (empty));
  }
  {
    g_autofree char *url = phonesec_wpad_dns_url ("wpad.example.com");

    g_assert_cmpstr (url, ==, "http://wpad.example.com/wpad.dat");
  }
}

/* --- PAC URLs -------------------------------------------------------------- */

static void
test_url_valid (void)
{
  struct
  {
    const char *url;
    PhonesecPacScheme scheme;
  } cases[] = {
    { "http://proxy.department.branch.example.com", PHONESEC_PAC_SCHEME_HTTP },
    { "http://proxy.example.com/pac", PHONESEC_PAC_SCHEME_HTTP },
    { "HTTPS://10.1.2.3:8443/proxy.pac?site=3", PHONESEC_PAC_SCHEME_HTTPS },
    { "tftp://10.1.2.3/pac/proxy.pac", PHONESEC_PAC_SCHEME_TFTP },
    { "tftp://tftp.example.com:6969/proxy.pac", PHONESEC_PAC_SCHEME_TFTP },
    { "http://[2001:db8::1]:8080/wpad.dat", PHONESEC_PAC_SCHEME_HTTP },
    { "http://user:secret@proxy.example.com/p.pac", PHONESEC_PAC_SCHEME_HTTP },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      PhonesecPacScheme scheme = 99;
      g_autoptr (GUri) uri = phonesec_pac_url_parse (cases[i].url, &scheme, &error);

      g_assert_no_error (error);
      g_assert_nonnull (uri);
      g_assert_cmpint (scheme, ==, cases[i].scheme);
    }
}

static void
test_url_invalid (void)
{
  g_autofree char *long_url = NULL;
  struct
  {
    const char *url;
    const char *why; /* part of the message */
  } cases[] = {
    { "", "empty" },
    { "ftp://example.com/p.pac", "unsupported scheme" },
    { "file:///etc/passwd", "unsupported scheme" },
    { "javascript:alert(1)", "unsupported scheme" },
    { "http://", "names no server" },
    { "http:///p.pac", "names no server" },
    { "proxy.example.com/p.pac", "not a valid URL" },
    { "http://h:0/p.pac", "port" },
    { "http://h:70000/p.pac", "not a valid URL" },
    { "http://h:-1/p.pac", "not a valid URL" },
    { "http://exa mple.com/p.pac", "space or a control" },
    { "http://example.com/p\n.pac", "space or a control" },
    { "http://example.com/p\x7f.pac", "space or a control" },
    { "http://[::1/p.pac", "not a valid URL" },
    { "tftp://10.1.2.3/", "no valid file" },
    { "tftp://10.1.2.3", "no valid file" },
    { "tftp://10.1.2.3/a%00b", "no valid file" },
    { "tftp://u:topsecret@10.1.2.3/", "no valid file" },
    { "ftp://u:topsecret@10.1.2.3/", "unsupported scheme" },
    { NULL, "longer than 511" },
  };

  long_url = g_strconcat ("http://example.com/", NULL);
  {
    g_autoptr (GString) s = g_string_new ("http://example.com/");
    while (s->len <= 511)
      g_string_append (s, "abcdefgh");
    g_free (long_url);
    long_url = g_string_free (g_steal_pointer (&s), FALSE);
  }
  cases[G_N_ELEMENTS (cases) - 1].url = long_url;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GUri) uri = phonesec_pac_url_parse (cases[i].url, NULL, &error);

      if (uri != NULL)
        g_error ("\"%s\" was accepted", cases[i].url);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      if (strstr (error->message, cases[i].why) == NULL)
        g_error ("\"%s\": message \"%s\" does not say \"%s\"", cases[i].url, error->message,
                 cases[i].why);
      /* Never the password, always printable UTF-8. */
      g_assert_null (strstr (error->message, "topsecret"));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      for (const char *p = error->message; *p != '\0'; p++)
        g_assert_cmpint ((guchar) *p, >=, 0x20);
    }
}

static void
test_url_redact (void)
{
  struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "http://user:pw@proxy.example.com/p.pac", "http://proxy.example.com/p.pac" },
    { "https://user@proxy.example.com:8443/p.pac?x=1", "https://proxy.example.com:8443/p.pac?x=1" },
    { "tftp://10.1.2.3/p.pac", "tftp://10.1.2.3/p.pac" },
    /* Not a URL GUri takes: removed by hand all the same. */
    { "http://us:pw@bad host/p.pac", "http://bad?host/p.pac" },
    { "http://a@b:c@host/x", "http://host/x" },
    { "no url at all", "no?url?at?all" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = phonesec_pac_url_redact (cases[i].in);

      g_assert_cmpstr (got, ==, cases[i].out);
    }
  {
    g_autofree char *got = phonesec_pac_url_redact (NULL);
    g_autofree char *longer = g_strnfill (1000, 'x');
    g_autofree char *cut = phonesec_pac_url_redact (longer);

    g_assert_cmpstr (got, ==, "");
    g_assert_cmpuint (strlen (cut), ==, 203);
  }
  {
    /* Non-ASCII bytes never reach a message raw. */
    g_autofree char *got = phonesec_pac_url_redact ("http://h/\xff\xfe");

    g_assert_cmpstr (got, ==, "http://h/%FF%FE");
  }
}

static void
test_url_tftp_file (void)
{
  struct
  {
    const char *url;
    const char *file;
  } cases[] = {
    { "tftp://h/proxy.pac", "proxy.pac" },
    { "tftp://h/dir/pac%20file.js", "dir/pac file.js" },
    { "tftp://h//abs/p.pac", "abs/p.pac" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GUri) uri = phonesec_pac_url_parse (cases[i].url, NULL, &error);
      g_autofree char *file = NULL;

      g_assert_no_error (error);
      file = phonesec_pac_url_tftp_file (uri, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (file, ==, cases[i].file);
    }
}

/* --- TFTP packets ---------------------------------------------------------- */

static void
assert_bytes (GBytes *bytes, const void *expected, gsize len)
{
  gsize got_len;
  const guint8 *got = g_bytes_get_data (bytes, &got_len);

  g_assert_cmpmem (got, got_len, expected, len);
}

static void
test_tftp_encode (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) rrq = phonesec_tftp_encode_rrq ("pac/proxy.pac", &error);
  g_autoptr (GBytes) ack = phonesec_tftp_encode_ack (0x1234);
  g_autoptr (GBytes) err = phonesec_tftp_encode_error (5, "Unknown transfer ID");
  g_autofree char *too_long_name = g_strnfill (256, 'a');
  g_autofree char *long_message = g_strnfill (500, 'm');
  g_autoptr (GBytes) long_err = phonesec_tftp_encode_error (0, long_message);

  g_assert_no_error (error);
  assert_bytes (rrq, "\0\1pac/proxy.pac\0octet\0", 2 + 14 + 6);
  assert_bytes (ack, "\0\4\x12\x34", 4);
  assert_bytes (err, "\0\5\0\5Unknown transfer ID\0", 4 + 20);
  g_assert_cmpuint (g_bytes_get_size (long_err), ==, 4 + PHONESEC_TFTP_MAX_MESSAGE + 1);

  g_assert_null (phonesec_tftp_encode_rrq ("", &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_null (phonesec_tftp_encode_rrq (too_long_name, &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
}

static void
test_tftp_decode_good (void)
{
  PhonesecTftpPacket p;
  g_autoptr (GError) error = NULL;
  guint8 full[4 + 512];

  g_assert_true (phonesec_tftp_decode ((const guint8 *) "\0\3\0\7abc", 7, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (p.opcode, ==, PHONESEC_TFTP_DATA);
  g_assert_cmpuint (p.block, ==, 7);
  g_assert_cmpmem (p.data, p.data_len, "abc", 3);
  phonesec_tftp_packet_clear (&p);

  /* An empty DATA packet ends a file of 512*k bytes. */
  g_assert_true (phonesec_tftp_decode ((const guint8 *) "\0\3\xff\xff", 4, &p, &error));
  g_assert_cmpuint (p.block, ==, 65535);
  g_assert_cmpuint (p.data_len, ==, 0);
  phonesec_tftp_packet_clear (&p);

  memset (full, 'x', sizeof full);
  full[0] = 0, full[1] = 3, full[2] = 0, full[3] = 1;
  g_assert_true (phonesec_tftp_decode (full, sizeof full, &p, &error));
  g_assert_cmpuint (p.data_len, ==, 512);
  phonesec_tftp_packet_clear (&p);

  g_assert_true (phonesec_tftp_decode ((const guint8 *) "\0\4\0\2", 4, &p, &error));
  g_assert_cmpint (p.opcode, ==, PHONESEC_TFTP_ACK);
  g_assert_cmpuint (p.block, ==, 2);
  phonesec_tftp_packet_clear (&p);

  g_assert_true (
      phonesec_tftp_decode ((const guint8 *) "\0\5\0\1File not found\0", 19, &p, &error));
  g_assert_cmpint (p.opcode, ==, PHONESEC_TFTP_ERROR);
  g_assert_cmpuint (p.error_code, ==, 1);
  g_assert_cmpstr (p.error_message, ==, "File not found");
  phonesec_tftp_packet_clear (&p);

  /* Server text is made printable; an unterminated one is still read. */
  g_assert_true (phonesec_tftp_decode ((const guint8 *) "\0\5\0\2bad\x1b[31m\xff", 13, &p, &error));
  g_assert_cmpstr (p.error_message, ==, "bad?[31m?");
  phonesec_tftp_packet_clear (&p);
  g_assert_true (phonesec_tftp_decode ((const guint8 *) "\0\5\0\0", 4, &p, &error));
  g_assert_cmpstr (p.error_message, ==, "");
  phonesec_tftp_packet_clear (&p);

  g_assert_true (phonesec_tftp_decode ((const guint8 *) "\0\1a.pac\0OCTET\0", 14, &p, &error));
  g_assert_cmpint (p.opcode, ==, PHONESEC_TFTP_RRQ);
  g_assert_cmpstr (p.filename, ==, "a.pac");
  g_assert_cmpstr (p.mode, ==, "octet");
  phonesec_tftp_packet_clear (&p);

  g_assert_true (phonesec_tftp_decode ((const guint8 *) "\0\6tsize\0001\0", 10, &p, &error));
  g_assert_cmpint (p.opcode, ==, PHONESEC_TFTP_OACK);
  phonesec_tftp_packet_clear (&p);
}

static void
test_tftp_decode_bad (void)
{
  guint8 oversized[4 + 513];
  struct
  {
    const char *bytes;
    gsize len;
  } cases[] = {
    { "", 0 },
    { "\0", 1 },
    { "\0\3", 2 }, /* DATA without a block number */
    { "\0\3\0", 3 },
    { "\0\4\0\1\0", 5 }, /* ACK too long */
    { "\0\4\0", 3 },     /* ACK too short */
    { "\0\5\0", 3 },     /* ERROR without a code */
    { "\0\0\0\1", 4 },   /* opcode 0 */
    { "\0\7\0\1", 4 },   /* opcode 7 */
    { "\xff\xff", 2 },
    { "\0\1\0octet\0", 9 }, /* RRQ without a name */
    { "\0\1a.pac", 7 },     /* no NUL */
    { "\0\1a.pac\0octet", 13 },
    { "\0\1a.pac\0binary\0", 15 },
    { "\0\6tsize", 7 }, /* OACK not terminated */
  };
  PhonesecTftpPacket p;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      if (phonesec_tftp_decode ((const guint8 *) cases[i].bytes, cases[i].len, &p, &error))
        g_error ("case %u was accepted", i);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      g_assert_true (g_str_has_prefix (error->message, "Malformed TFTP packet"));
      g_assert_null (p.filename);
      g_assert_null (p.mode);
      g_assert_null (p.error_message);
    }
  memset (oversized, 'x', sizeof oversized);
  oversized[0] = 0, oversized[1] = 3, oversized[2] = 0, oversized[3] = 1;
  g_assert_false (phonesec_tftp_decode (oversized, sizeof oversized, &p, NULL));
  g_assert_false (phonesec_tftp_decode (NULL, 0, &p, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wpad/walk", test_wpad_walk);
  g_test_add_func ("/wpad/public-suffixes", test_wpad_public_suffixes);
  g_test_add_func ("/wpad/bad-domains", test_wpad_bad_domains);
  g_test_add_func ("/wpad/dhcp-option", test_wpad_dhcp_option);
  g_test_add_func ("/pac-url/valid", test_url_valid);
  g_test_add_func ("/pac-url/invalid", test_url_invalid);
  g_test_add_func ("/pac-url/redact", test_url_redact);
  g_test_add_func ("/pac-url/tftp-file", test_url_tftp_file);
  g_test_add_func ("/tftp/encode", test_tftp_encode);
  g_test_add_func ("/tftp/decode-good", test_tftp_decode_good);
  g_test_add_func ("/tftp/decode-bad", test_tftp_decode_bad);
  return g_test_run ();
}
