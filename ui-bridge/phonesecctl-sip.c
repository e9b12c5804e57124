/* phonesecctl-sip.c: `phonesecctl sip register LINE`: a minimal SIP
 * registration of one line, as the phone's SIP stack would make it, to
 * prove the line's security settings against the real registrar.
 *
 * Every security decision is phonesecd's, over the same D-Bus calls the SIP
 * stack makes (org.phonesec.PhoneSec1.SipSecurity): GetLinePolicy (where,
 * how, which TLS priority, which Security-Client), CheckServerCertificate
 * (the TLS server), Authorize (the answer to a 401/407). The password never
 * reaches this program.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n.h>
#include <phonesec/phonesec-dbus-names.h>
#include <stdio.h>
#include <string.h>

#include "phonesecctl-sip-transport.h"
#include "phonesecctl.h"

#define SIP_PATH PHONESEC_DBUS_PLUGINS_PATH "/sip_security"
#define SIP_INTERFACE PHONESEC_DBUS_INTERFACE_PREFIX "SipSecurity"
/* A 407 and a 401 may each be answered once, and once more when stale:
 * four answers, five requests. answer_challenge stops a sixth. */
#define MAX_ROUNDS 5

typedef struct
{
  PhonesecctlContext *ctx;
  guint line;
  GVariant *policy; /* GetLinePolicy's a{sv} */
  char *request_uri;
  char *domain;
  char *host; /* where the request goes */
  guint port;
  const char *transport;
} Registration;

static void
registration_clear (Registration *r)
{
  g_clear_pointer (&r->policy, g_variant_unref);
  g_free (r->request_uri);
  g_free (r->domain);
  g_free (r->host);
}

static const char *
policy_string (Registration *r, const char *key)
{
  const char *value = "";

  g_variant_lookup (r->policy, key, "&s", &value);
  return value;
}

static gboolean
policy_bool (Registration *r, const char *key)
{
  gboolean value = FALSE;

  g_variant_lookup (r->policy, key, "b", &value);
  return value;
}

/* host[:port] → host and port; IPv6 in brackets. */
static char *
split_host_port (const char *value, guint *port)
{
  g_autofree char *text = g_strstrip (g_strdup (value));
  const char *colon;
  guint64 number = 0;

  *port = 0;
  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL)
        return g_strdup (text);
      if (close[1] == ':' && g_ascii_string_to_unsigned (close + 2, 10, 1, 65535, &number, NULL))
        *port = (guint) number;
      return g_strndup (text + 1, close - text - 1);
    }
  colon = strrchr (text, ':');
  if (colon != NULL && strchr (text, ':') == colon
      && g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &number, NULL))
    {
      *port = (guint) number;
      return g_strndup (text, colon - text);
    }
  return g_strdup (text);
}

/* Where to send: Outbound_Proxy_n_ if set, else Proxy_n_ (no DNS SRV or
 * NAPTR: the port given, or the transport's default). */
static gboolean
plan (Registration *r, GError **error)
{
  const char *proxy = policy_string (r, "proxy");
  const char *outbound = policy_string (r, "outbound-proxy");
  const char *target = outbound[0] != '\0' ? outbound : proxy;
  const char *transport = policy_string (r, "transport");

  if (!policy_bool (r, "enabled"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _ ("Line %u is disabled (Line_Enable_%u_)"), r->line, r->line);
      return FALSE;
    }
  if (proxy[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _ ("Line %u has no proxy to register with (Proxy_%u_)"), r->line, r->line);
      return FALSE;
    }
  if (!policy_bool (r, "proxy-allowed") || !policy_bool (r, "outbound-proxy-allowed"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _ ("Line %u's proxy is outside Restricted_Access_Domains"), r->line);
      return FALSE;
    }
  /* Auto would need DNS NAPTR (RFC 3263): UDP, as for a sip: URI without it. */
  r->transport = g_ascii_strcasecmp (transport, "TLS") == 0   ? "TLS"
                 : g_ascii_strcasecmp (transport, "TCP") == 0 ? "TCP"
                                                              : "UDP";
  r->host = split_host_port (target, &r->port);
  if (r->port == 0)
    r->port = g_str_equal (r->transport, "TLS") ? 5061 : 5060;
  r->domain = g_strstrip (g_strdup (proxy));
  r->request_uri = g_strconcat ("sip:", r->domain, NULL);
  return TRUE;
}

static gboolean
check_server (GVariant *der_chain, char **reason, gpointer user_data, GError **error)
{
  Registration *r = user_data;
  g_autoptr (GVariant) reply = NULL;
  const char *why;
  gboolean trusted;

  reply = phonesecctl_call (r->ctx, SIP_PATH, SIP_INTERFACE, "CheckServerCertificate",
                            g_variant_new ("(us@aay)", r->line, r->host, der_chain), "(bs)", error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(b&s)", &trusted, &why);
  if (!trusted)
    *reason = g_strdup (why);
  return TRUE;
}

static char *
authorize (Registration *r, const PhonesecctlSipResponse *response, GError **error)
{
  gboolean proxy = response->status == 407;
  g_autoptr (GPtrArray) challenges = phonesecctl_sip_response_get_all (
      response, proxy ? "Proxy-Authenticate" : "WWW-Authenticate");
  g_autoptr (GVariant) reply = NULL;
  GVariantDict options;
  const char *name, *value;

  g_ptr_array_add (challenges, NULL);
  g_variant_dict_init (&options, NULL);
  g_variant_dict_insert (&options, "proxy", "b", proxy);
  reply = phonesecctl_call (r->ctx, SIP_PATH, SIP_INTERFACE, "Authorize",
                            g_variant_new ("(uss^as@a{sv})", r->line, "REGISTER", r->request_uri,
                                           (char **) challenges->pdata,
                                           g_variant_dict_end (&options)),
                            "(ss)", error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(&s&s)", &name, &value);
  return g_strdup_printf ("%s: %s", name, value);
}

/* The algorithm of an Authorization line, for the report. */
static char *
algorithm_of (const char *header)
{
  const char *p = strstr (header, "algorithm=");
  gsize n;

  if (p == NULL)
    return g_strdup ("MD5");
  p += strlen ("algorithm=");
  n = strcspn (p, ", ");
  return g_strndup (p, n);
}

static GStrv
mediasec_headers (Registration *r)
{
  g_autoptr (GStrvBuilder) headers = g_strv_builder_new ();
  const char *const keys[][2] = { { "security-client", "Security-Client" },
                                  { "require", "Require" },
                                  { "proxy-require", "Proxy-Require" } };

  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      g_autofree const char **values = NULL;

      if (g_variant_lookup (r->policy, keys[k][0], "^a&s", &values))
        for (guint i = 0; values[i] != NULL; i++)
          {
            g_autofree char *line = g_strdup_printf ("%s: %s", keys[k][1], values[i]);

            g_strv_builder_add (headers, line);
          }
    }
  return g_strv_builder_end (headers);
}

static gboolean
is_stale (const PhonesecctlSipResponse *response)
{
  g_autoptr (GPtrArray) all = phonesecctl_sip_response_get_all (
      response, response->status == 407 ? "Proxy-Authenticate" : "WWW-Authenticate");

  for (guint i = 0; i < all->len; i++)
    {
      /* stale=true, any case, quoted or not (RFC 7616 §3.3). */
      g_autofree char *lower = g_ascii_strdown (all->pdata[i], -1);

      if (strstr (lower, "stale=true") != NULL || strstr (lower, "stale=\"true\"") != NULL)
        return TRUE;
    }
  return FALSE;
}

static char *
request_text (Registration *r, PhonesecctlSipTransport *transport, const char *call_id,
              const char *tag, guint cseq, char **mediasec, char **answers)
{
  g_autoptr (GStrvBuilder) extra = g_strv_builder_new ();
  g_auto (GStrv) headers = NULL;
  PhonesecctlSipRegister reg = { r->transport,
                                 r->request_uri,
                                 r->domain,
                                 policy_string (r, "user-id"),
                                 phonesecctl_sip_transport_get_local (transport),
                                 call_id,
                                 tag,
                                 cseq,
                                 (guint) r->ctx->opts->expires };

  g_strv_builder_addv (extra, (const char **) mediasec);
  for (guint i = 0; i < 2; i++)
    if (answers[i] != NULL)
      g_strv_builder_add (extra, answers[i]);
  headers = g_strv_builder_end (extra);
  reg.extra_headers = (const char *const *) headers;
  return phonesecctl_sip_register_to_string (&reg);
}

typedef struct
{
  char *answers[2];       /* Authorization, Proxy-Authorization */
  gboolean retried[2];    /* after a stale=true challenge */
  PhonesecctlExit status; /* once decided */
} Rounds;

/* A 401 or 407: TRUE with the answer to send next, FALSE once decided. A
 * challenge of an answered kind is a refusal, unless stale=true (RFC 7616
 * §3.3: answer again, without asking anyone), which is honoured once. */
static gboolean
answer_challenge (Registration *r, const PhonesecctlSipResponse *response, Rounds *rounds)
{
  guint kind = response->status == 407 ? 1 : 0;
  g_autoptr (GError) error = NULL;
  g_autofree char *algorithm = NULL;

  if (rounds->answers[kind] != NULL && (!is_stale (response) || rounds->retried[kind]))
    {
      phonesecctl_print_error (is_stale (response)
                                   ? _ ("The registrar called the line's new answer stale too")
                                   : _ ("The registrar refused the line's credentials"));
      return FALSE;
    }
  rounds->retried[kind] = rounds->answers[kind] != NULL;
  g_free (rounds->answers[kind]);
  rounds->answers[kind] = authorize (r, response, &error);
  if (rounds->answers[kind] == NULL)
    {
      rounds->status = phonesecctl_fail (r->ctx, g_steal_pointer (&error));
      return FALSE;
    }
  algorithm = algorithm_of (rounds->answers[kind]);
  printf (_ ("answered with %s digest\n"), algorithm);
  return TRUE;
}

static PhonesecctlExit
run_registration (Registration *r, PhonesecctlSipTransport *transport)
{
  g_autofree char *call_id
      = g_strdup_printf ("%08x%08x@phonesecctl", g_random_int (), g_random_int ());
  g_autofree char *tag = g_strdup_printf ("%08x", g_random_int ());
  g_auto (GStrv) mediasec = mediasec_headers (r);
  Rounds rounds = { .status = PHONESECCTL_EXIT_FAILURE };

  for (guint cseq = 1; cseq <= MAX_ROUNDS; cseq++)
    {
      g_autofree char *request
          = request_text (r, transport, call_id, tag, cseq, mediasec, rounds.answers);
      g_autoptr (GError) error = NULL;
      g_autoptr (PhonesecctlSipResponse) response
          = phonesecctl_sip_transport_request (transport, request, call_id, cseq, &error);

      if (response == NULL)
        {
          phonesecctl_print_error (error->message);
          break;
        }
      printf ("%u %s\n", response->status, response->reason);
      if (response->status >= 200 && response->status < 300)
        rounds.status = PHONESECCTL_EXIT_OK;
      if (response->status != 401 && response->status != 407)
        break;
      if (!answer_challenge (r, response, &rounds))
        break;
    }
  g_free (rounds.answers[0]);
  g_free (rounds.answers[1]);
  return rounds.status;
}

static PhonesecctlExit
register_line (PhonesecctlContext *ctx, guint line)
{
  Registration r = { ctx, line };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (PhonesecctlSipTransport) transport = NULL;
  PhonesecctlSipTarget target = { 0 };
  PhonesecctlExit status;

  reply = phonesecctl_call (ctx, SIP_PATH, SIP_INTERFACE, "GetLinePolicy",
                            g_variant_new ("(u)", line), "(a{sv})", &error);
  if (reply == NULL)
    return phonesecctl_fail (ctx, g_steal_pointer (&error));
  r.policy = g_variant_get_child_value (reply, 0);
  if (!plan (&r, &error))
    {
      phonesecctl_print_error (error->message);
      registration_clear (&r);
      return PHONESECCTL_EXIT_FAILURE;
    }
  printf (_ ("Line %u: REGISTER %s to %s:%u over %s\n"), line, r.request_uri, r.host, r.port,
          r.transport);
  target.transport = r.transport;
  target.host = r.host;
  target.port = r.port;
  target.tls_priority = policy_string (&r, "tls-priority");
  target.check = check_server;
  target.check_data = &r;
  target.deadline = g_get_monotonic_time () + (gint64) ctx->opts->timeout * G_USEC_PER_SEC;
  transport = phonesecctl_sip_transport_open (&target, &error);
  if (transport == NULL)
    {
      phonesecctl_print_error (error->message);
      registration_clear (&r);
      return PHONESECCTL_EXIT_FAILURE;
    }
  if (phonesecctl_sip_transport_get_tls_description (transport) != NULL)
    printf (_ ("TLS %s; server certificate accepted by phonesecd\n"),
            phonesecctl_sip_transport_get_tls_description (transport));
  status = run_registration (&r, transport);
  registration_clear (&r);
  return status;
}

PhonesecctlExit
phonesecctl_cmd_sip (PhonesecctlContext *ctx, char **args)
{
  guint64 line;

  if (args == NULL || args[0] == NULL || !g_str_equal (args[0], "register"))
    return phonesecctl_usage_error (ctx, _ ("Usage: sip register LINE"));
  if (args[1] == NULL || args[2] != NULL
      || !g_ascii_string_to_unsigned (args[1], 10, 1, G_MAXUINT, &line, NULL))
    return phonesecctl_usage_error (ctx, _ ("“sip register” takes one LINE number (1, 2...)"));
  if (ctx->opts->timeout <= 0)
    ctx->opts->timeout = 5;
  if (ctx->opts->expires == -1)
    ctx->opts->expires = 60;
  if (ctx->opts->expires < 0)
    return phonesecctl_usage_error (ctx, _ ("--expires must be 0 or more seconds"));
  return register_line (ctx, (guint) line);
}
