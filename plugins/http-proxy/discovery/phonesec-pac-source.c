/* phonesec-pac-source.c: finds, fetches and refreshes the PAC script.
 *
 * One attempt walks a list of candidates: PAC_URL alone, or for WPAD the
 * URL of DHCP option 252 then http://wpad.<domain>/wpad.dat for each
 * parent domain (phonesec-wpad-rules.c). A DNS candidate is resolved first
 * (GResolver, with its own timeout) so that names that do not exist are
 * skipped quickly; the first candidate that yields a non-empty script wins.
 *
 * After a success the attempt is repeated every refresh interval; after a
 * failure, after a delay that doubles up to a ceiling. A failed refresh
 * keeps the last good script (a PAC server down for a minute must not turn
 * every request direct) but reports state "error" and why.
 *
 * Every asynchronous step carries the generation it was started in:
 * configure, rediscover and stop bump it, so a late answer from an older
 * step is dropped.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-pac-source.h"
#include "phonesec-pac-fetch.h"
#include "phonesec-pac-url.h"
#include "phonesec-wpad-rules.h"

#include <glib/gi18n-lib.h>
#include <phonesec/phonesec-domains.h>
#include <string.h>

#define DEFAULT_REFRESH_MS (30 * 60 * 1000)
#define DEFAULT_RETRY_MS (10 * 1000)
#define DEFAULT_MAX_RETRY_MS (10 * 60 * 1000)
#define DEFAULT_DNS_TIMEOUT_MS 5000
#define DEFAULT_TFTP_PACKET_TIMEOUT_MS 1000
#define DEFAULT_TFTP_RETRIES 4

typedef struct
{
  char *url;
  char *host;         /* DNS candidates: the name to resolve first */
  const char *origin; /* "dhcp", "dns", "configured" */
} Candidate;

struct _PhonesecPacSource
{
  GObject parent_instance;

  PhonesecHttpClient *session; /* the phone's HTTP client */

  /* What configure() was given. */
  gboolean configured;
  char *configured_url;
  gboolean use_wpad;
  char *domain;
  char *dhcp_url;
  GStrv restricted; /* Restricted_Access_Domains, NULL when empty */

  /* What was found. */
  GBytes *script;
  char *url; /* without credentials */
  const char *origin;
  const char *state;
  char *error;

  /* The running attempt. */
  guint generation;
  GCancellable *cancellable;      /* the attempt's: set while one runs */
  GCancellable *step_cancellable; /* the running step's: a timeout cancels only it */
  GPtrArray *candidates;
  guint index;
  GPtrArray *failures; /* why each candidate failed */
  char *setup_problem; /* e.g. an invalid domain, reported if nothing works */
  guint timer_id;      /* refresh or retry */
  guint retry_ms;      /* the next retry's delay */

  /* Knobs (milliseconds, bytes). */
  guint refresh_ms;
  guint retry_initial_ms;
  guint retry_max_ms;
  guint dns_timeout_ms;
  guint fetch_timeout_ms;
  guint tftp_packet_timeout_ms;
  guint tftp_retries;
  guint max_size;
};

G_DEFINE_FINAL_TYPE (PhonesecPacSource, phonesec_pac_source, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_REFRESH_INTERVAL_MS,
  PROP_RETRY_INTERVAL_MS,
  PROP_MAX_RETRY_INTERVAL_MS,
  PROP_DNS_TIMEOUT_MS,
  PROP_FETCH_TIMEOUT_MS,
  PROP_TFTP_PACKET_TIMEOUT_MS,
  PROP_TFTP_RETRIES,
  PROP_MAX_SIZE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void begin_attempt (PhonesecPacSource *self);
static void try_candidate (PhonesecPacSource *self);

static void
candidate_free (Candidate *c)
{
  g_free (c->url);
  g_free (c->host);
  g_free (c);
}

static Candidate *
candidate_new (const char *url, const char *host, const char *origin)
{
  Candidate *c = g_new0 (Candidate, 1);

  c->url = g_strdup (url);
  c->host = g_strdup (host);
  c->origin = origin;
  return c;
}

/* --- one asynchronous step ------------------------------------------------ */

typedef struct
{
  GWeakRef self; /* weak: dropping the source cancels its steps */
  guint generation;
  GCancellable *cancellable;
  guint timeout_id;
  gboolean timed_out;
} Step;

static void
step_free (Step *step)
{
  g_clear_handle_id (&step->timeout_id, g_source_remove);
  g_clear_object (&step->cancellable);
  g_weak_ref_clear (&step->self);
  g_free (step);
}

static Step *
step_new (PhonesecPacSource *self)
{
  Step *step = g_new0 (Step, 1);

  g_weak_ref_init (&step->self, self);
  step->generation = self->generation;
  /* Each step its own: a lookup that times out must not cancel the
   * candidates after it. */
  step->cancellable = g_cancellable_new ();
  g_set_object (&self->step_cancellable, step->cancellable);
  return step;
}

/* The source, when the step still belongs to its running attempt. */
static PhonesecPacSource *
step_claim (Step *step)
{
  PhonesecPacSource *self = g_weak_ref_get (&step->self);

  if (self != NULL && step->generation != self->generation)
    g_clear_object (&self);
  return self;
}

static gboolean
on_step_timeout (gpointer user_data)
{
  Step *step = user_data;

  step->timeout_id = 0;
  step->timed_out = TRUE;
  g_cancellable_cancel (step->cancellable);
  return G_SOURCE_REMOVE;
}

/* --- state ---------------------------------------------------------------- */

static void
clear_timer (PhonesecPacSource *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
}

/* Cancels whatever runs; later answers from it are dropped. */
static void
cancel_attempt (PhonesecPacSource *self)
{
  self->generation++;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->step_cancellable != NULL)
    g_cancellable_cancel (self->step_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->step_cancellable);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_pointer (&self->failures, g_ptr_array_unref);
  g_clear_pointer (&self->setup_problem, g_free);
}

static void
forget_result (PhonesecPacSource *self)
{
  g_clear_pointer (&self->script, g_bytes_unref);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->error, g_free);
  self->origin = NULL;
}

static gboolean
on_timer (gpointer user_data)
{
  PhonesecPacSource *self = user_data;

  self->timer_id = 0;
  begin_attempt (self);
  return G_SOURCE_REMOVE;
}

static void
succeed (PhonesecPacSource *self, const Candidate *c, GBytes *script)
{
  g_autofree char *shown = phonesec_pac_url_redact (c->url);
  gboolean changed = FALSE;

  if (self->script == NULL || !g_bytes_equal (self->script, script))
    {
      g_clear_pointer (&self->script, g_bytes_unref);
      self->script = g_bytes_ref (script);
      changed = TRUE;
    }
  if (g_strcmp0 (self->url, shown) != 0)
    {
      g_free (self->url);
      self->url = g_steal_pointer (&shown);
      changed = TRUE;
    }
  if (g_strcmp0 (self->origin, c->origin) != 0 || g_strcmp0 (self->state, "ready") != 0
      || self->error != NULL)
    changed = TRUE;
  self->origin = c->origin;
  self->state = "ready";
  g_clear_pointer (&self->error, g_free);
  cancel_attempt (self);
  self->retry_ms = self->retry_initial_ms;
  clear_timer (self);
  self->timer_id = g_timeout_add (self->refresh_ms, on_timer, self);
  if (changed)
    {
      g_message ("PAC script of %" G_GSIZE_FORMAT " bytes from %s (%s)",
                 g_bytes_get_size (self->script), self->url, self->origin);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
    }
}

static void
fail (PhonesecPacSource *self, char *message /* taken */)
{
  gboolean changed = g_strcmp0 (self->state, "error") != 0 || g_strcmp0 (self->error, message) != 0;

  g_free (self->error);
  self->error = message;
  self->state = "error";
  cancel_attempt (self);
  clear_timer (self);
  self->timer_id = g_timeout_add (self->retry_ms, on_timer, self);
  /* Said once per new error, not at every retry. */
  if (changed)
    g_message ("%s; next try in %u ms", self->error, self->retry_ms);
  else
    g_debug ("%s; next try in %u ms", self->error, self->retry_ms);
  /* Exponential backoff with a ceiling. */
  self->retry_ms = MIN ((guint64) self->retry_ms * 2, (guint64) self->retry_max_ms);
  if (changed)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* Gives up on the running attempt with a message built from its failures. */
static void
fail_attempt (PhonesecPacSource *self)
{
  g_autoptr (GString) why = g_string_new (NULL);

  if (!self->use_wpad)
    {
      /* One candidate: its message says it all. */
      fail (self, g_strdup (self->failures->len > 0 ? g_ptr_array_index (self->failures, 0)
                                                    : self->setup_problem));
      return;
    }
  for (guint i = 0; i < self->failures->len; i++)
    {
      if (why->len > 0)
        g_string_append (why, "; ");
      g_string_append (why, g_ptr_array_index (self->failures, i));
    }
  if (self->setup_problem != NULL)
    {
      if (why->len > 0)
        g_string_append (why, "; ");
      g_string_append (why, self->setup_problem);
    }
  fail (self, g_strdup_printf (_ ("WPAD found no PAC script: %s"), why->str));
}

static void
next_candidate (PhonesecPacSource *self, char *failure /* taken */)
{
  g_ptr_array_add (self->failures, failure);
  self->index++;
  try_candidate (self);
}

/* --- fetch and resolve ---------------------------------------------------- */

static void
on_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Step *step = user_data;
  g_autoptr (PhonesecPacSource) self = step_claim (step);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) script = phonesec_pac_fetch_finish (result, &error);
  Candidate *c;

  if (self == NULL)
    {
      step_free (step);
      return;
    }
  c = g_ptr_array_index (self->candidates, self->index);
  if (script != NULL && g_bytes_get_size (script) == 0)
    {
      g_autofree char *shown = phonesec_pac_url_redact (c->url);

      g_clear_pointer (&script, g_bytes_unref);
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("The PAC script from %s is empty"), shown);
    }
  if (script != NULL)
    succeed (self, c, script);
  else
    next_candidate (self, g_strdup (error->message));
  step_free (step);
}

static void
fetch_candidate (PhonesecPacSource *self, const Candidate *c)
{
  PhonesecPacFetchOptions options = {
    .max_size = self->max_size,
    .timeout_ms = self->fetch_timeout_ms,
    .tftp_packet_timeout_ms = self->tftp_packet_timeout_ms,
    .tftp_retries = self->tftp_retries,
  };
  Step *step = step_new (self);

  phonesec_pac_fetch_async (self->session, c->url, &options, step->cancellable, on_fetched, step);
}

static void
on_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Step *step = user_data;
  g_autoptr (PhonesecPacSource) self = step_claim (step);
  g_autoptr (GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  Candidate *c;

  if (self == NULL)
    goto out;
  c = g_ptr_array_index (self->candidates, self->index);
  if (addresses != NULL)
    fetch_candidate (self, c);
  else if (step->timed_out)
    next_candidate (self, g_strdup_printf (_ ("%s: the DNS lookup timed out after %u ms"), c->host,
                                           self->dns_timeout_ms));
  else if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
    next_candidate (self, g_strdup_printf (_ ("%s: no such DNS name"), c->host));
  else
    next_candidate (self,
                    g_strdup_printf (_ ("%s: the DNS lookup failed: %s"), c->host, error->message));
out:
  g_resolver_free_addresses (addresses);
  step_free (step);
}

/* Restricted_Access_Domains, before any lookup or request: a refused
 * candidate is never contacted, and its message names the setting that
 * gave the URL and the host. */
static gboolean
candidate_allowed (PhonesecPacSource *self, const Candidate *c)
{
  g_autoptr (GError) error = NULL;
  const char *what;

  if (g_str_equal (c->origin, "configured"))
    what = "PAC_URL";
  else if (g_str_equal (c->origin, "dhcp"))
    what = _ ("WPAD (DHCP option 252)");
  else
    what = _ ("WPAD (DNS)");
  if (phonesec_domains_check_url (c->url, (const char *const *) self->restricted, what, &error))
    return TRUE;
  next_candidate (self, g_strdup (error->message));
  return FALSE;
}

static void
try_candidate (PhonesecPacSource *self)
{
  Candidate *c;

  if (self->index >= self->candidates->len)
    {
      fail_attempt (self);
      return;
    }
  c = g_ptr_array_index (self->candidates, self->index);
  if (!candidate_allowed (self, c))
    return;
  if (c->host != NULL)
    {
      g_autoptr (GResolver) resolver = g_resolver_get_default ();
      Step *step = step_new (self);

      /* The resolver's own timeouts (resolv.conf) may be long: ours bounds
       * each name. */
      step->timeout_id = g_timeout_add (self->dns_timeout_ms, on_step_timeout, step);
      g_resolver_lookup_by_name_async (resolver, c->host, step->cancellable, on_resolved, step);
    }
  else
    fetch_candidate (self, c);
}

static void
begin_attempt (PhonesecPacSource *self)
{
  cancel_attempt (self);
  clear_timer (self);
  self->cancellable = g_cancellable_new ();
  self->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
  self->failures = g_ptr_array_new_with_free_func (g_free);
  self->index = 0;

  if (!self->use_wpad)
    {
      if (self->configured_url == NULL)
        {
          self->setup_problem = g_strdup (
              _ ("PAC_URL is empty: give the PAC script's URL (tftp, http or https) or set "
                 "Use_Auto_Discovery__WPAD_ to Yes"));
          fail_attempt (self);
          return;
        }
      g_ptr_array_add (self->candidates, candidate_new (self->configured_url, NULL, "configured"));
    }
  else
    {
      g_autoptr (GError) error = NULL;
      g_auto (GStrv) names = NULL;

      if (self->dhcp_url != NULL)
        g_ptr_array_add (self->candidates, candidate_new (self->dhcp_url, NULL, "dhcp"));
      if (self->domain != NULL)
        {
          names = phonesec_wpad_dns_candidates (self->domain, &error);
          if (names == NULL)
            self->setup_problem = g_strdup (error->message);
          else if (names[0] == NULL)
            self->setup_problem = g_strdup_printf (
                _ ("the network's domain \"%s\" is a public suffix: no wpad name is tried "
                   "under it"),
                self->domain);
          for (guint i = 0; names != NULL && names[i] != NULL; i++)
            {
              g_autofree char *url = phonesec_wpad_dns_url (names[i]);

              g_ptr_array_add (self->candidates, candidate_new (url, names[i], "dns"));
            }
        }
      if (self->candidates->len == 0 && self->setup_problem == NULL)
        self->setup_problem
            = g_strdup (_ ("the network gave neither DHCP option 252 nor a DNS domain"));
    }
  try_candidate (self);
}

/* --- public API ----------------------------------------------------------- */

PhonesecPacSource *
phonesec_pac_source_new (PhonesecHttpClient *session)
{
  g_return_val_if_fail (PHONESEC_IS_HTTP_CLIENT (session), NULL);
  return g_object_new (PHONESEC_TYPE_PAC_SOURCE, "session", session, NULL);
}

static gboolean
set_string (char **field, const char *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* An empty list is NULL: every host allowed. */
static gboolean
set_domains (GStrv *field, const char *const *domains)
{
  if (domains != NULL && domains[0] == NULL)
    domains = NULL;
  if (*field == NULL && domains == NULL)
    return FALSE;
  if (*field != NULL && domains != NULL && g_strv_equal ((const char *const *) *field, domains))
    return FALSE;
  g_strfreev (*field);
  *field = g_strdupv ((char **) domains);
  return TRUE;
}

void
phonesec_pac_source_configure (PhonesecPacSource *self, const char *configured_url,
                               gboolean use_wpad, GVariant *network,
                               const char *const *restricted_domains)
{
  g_autofree char *domain = phonesec_wpad_network_domain (network);
  g_autofree char *dhcp_url = phonesec_wpad_dhcp_url (network);
  gboolean changed = !self->configured || self->use_wpad != !!use_wpad;
  gboolean url_changed, domain_changed, dhcp_changed;

  g_return_if_fail (PHONESEC_IS_PAC_SOURCE (self));
  /* The script in use may come from a server the new list refuses. */
  changed |= set_domains (&self->restricted, restricted_domains);
  url_changed = set_string (&self->configured_url, configured_url);
  domain_changed = set_string (&self->domain, domain);
  dhcp_changed = set_string (&self->dhcp_url, dhcp_url);
  self->use_wpad = !!use_wpad;
  self->configured = TRUE;
  /* Only what the mode uses counts: a new domain does not refetch PAC_URL. */
  if (self->use_wpad)
    changed |= domain_changed || dhcp_changed;
  else
    changed |= url_changed;

  /* The same settings again (other network facts changed): keep what was
   * found, but retry now if the last attempt failed. */
  if (!changed && self->cancellable == NULL && self->timer_id != 0)
    {
      if (g_strcmp0 (self->state, "error") == 0)
        begin_attempt (self);
      return;
    }
  if (!changed && self->cancellable != NULL)
    return; /* already working on exactly this */
  phonesec_pac_source_rediscover (self);
}

void
phonesec_pac_source_rediscover (PhonesecPacSource *self)
{
  g_return_if_fail (PHONESEC_IS_PAC_SOURCE (self));
  if (!self->configured)
    return;
  cancel_attempt (self);
  clear_timer (self);
  forget_result (self);
  self->state = "discovering";
  self->retry_ms = self->retry_initial_ms;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  begin_attempt (self);
}

void
phonesec_pac_source_stop (PhonesecPacSource *self)
{
  g_return_if_fail (PHONESEC_IS_PAC_SOURCE (self));
  cancel_attempt (self);
  clear_timer (self);
}

GBytes *
phonesec_pac_source_get_script (PhonesecPacSource *self)
{
  g_return_val_if_fail (PHONESEC_IS_PAC_SOURCE (self), NULL);
  return self->script;
}

const char *
phonesec_pac_source_get_url (PhonesecPacSource *self)
{
  g_return_val_if_fail (PHONESEC_IS_PAC_SOURCE (self), NULL);
  return self->url;
}

const char *
phonesec_pac_source_get_origin (PhonesecPacSource *self)
{
  g_return_val_if_fail (PHONESEC_IS_PAC_SOURCE (self), NULL);
  return self->origin;
}

const char *
phonesec_pac_source_get_state (PhonesecPacSource *self)
{
  g_return_val_if_fail (PHONESEC_IS_PAC_SOURCE (self), NULL);
  return self->state;
}

const char *
phonesec_pac_source_get_error (PhonesecPacSource *self)
{
  g_return_val_if_fail (PHONESEC_IS_PAC_SOURCE (self), NULL);
  return self->error;
}

/* --- GObject -------------------------------------------------------------- */

static guint *
knob (PhonesecPacSource *self, guint prop_id)
{
  switch (prop_id)
    {
      case PROP_REFRESH_INTERVAL_MS:
        return &self->refresh_ms;
      case PROP_RETRY_INTERVAL_MS:
        return &self->retry_initial_ms;
      case PROP_MAX_RETRY_INTERVAL_MS:
        return &self->retry_max_ms;
      case PROP_DNS_TIMEOUT_MS:
        return &self->dns_timeout_ms;
      case PROP_FETCH_TIMEOUT_MS:
        return &self->fetch_timeout_ms;
      case PROP_TFTP_PACKET_TIMEOUT_MS:
        return &self->tftp_packet_timeout_ms;
      case PROP_TFTP_RETRIES:
        return &self->tftp_retries;
      case PROP_MAX_SIZE:
        return &self->max_size;
      default:
        return NULL;
    }
}

static void
phonesec_pac_source_set_property (GObject *object, guint prop_id, const GValue *value,
                                  GParamSpec *pspec)
{
  PhonesecPacSource *self = PHONESEC_PAC_SOURCE (object);
  guint *field = knob (self, prop_id);

  if (prop_id == PROP_SESSION)
    self->session = g_value_dup_object (value);
  else if (field != NULL)
    {
      *field = g_value_get_uint (value);
      if (prop_id == PROP_RETRY_INTERVAL_MS)
        self->retry_ms = *field;
    }
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
phonesec_pac_source_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PhonesecPacSource *self = PHONESEC_PAC_SOURCE (object);
  guint *field = knob (self, prop_id);

  if (prop_id == PROP_SESSION)
    g_value_set_object (value, self->session);
  else if (field != NULL)
    g_value_set_uint (value, *field);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
phonesec_pac_source_dispose (GObject *object)
{
  PhonesecPacSource *self = PHONESEC_PAC_SOURCE (object);

  phonesec_pac_source_stop (self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (phonesec_pac_source_parent_class)->dispose (object);
}

static void
phonesec_pac_source_finalize (GObject *object)
{
  PhonesecPacSource *self = PHONESEC_PAC_SOURCE (object);

  forget_result (self);
  g_free (self->configured_url);
  g_free (self->domain);
  g_free (self->dhcp_url);
  g_strfreev (self->restricted);
  G_OBJECT_CLASS (phonesec_pac_source_parent_class)->finalize (object);
}

/* Test and field overrides: PHONESEC_PAC_REFRESH_INTERVAL_MS and
 * PHONESEC_PAC_RETRY_INTERVAL_MS (milliseconds). */
static guint
env_ms (const char *name, guint fallback)
{
  const char *text = g_getenv (name);
  guint64 v;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &v, NULL))
    return fallback;
  return (guint) v;
}

static void
phonesec_pac_source_init (PhonesecPacSource *self)
{
  self->state = "discovering";
  self->refresh_ms = env_ms ("PHONESEC_PAC_REFRESH_INTERVAL_MS", DEFAULT_REFRESH_MS);
  self->retry_initial_ms = env_ms ("PHONESEC_PAC_RETRY_INTERVAL_MS", DEFAULT_RETRY_MS);
  self->retry_max_ms = DEFAULT_MAX_RETRY_MS;
  self->retry_ms = self->retry_initial_ms;
  self->dns_timeout_ms = DEFAULT_DNS_TIMEOUT_MS;
  self->fetch_timeout_ms = PHONESEC_PAC_FETCH_DEFAULT_TIMEOUT_MS;
  self->tftp_packet_timeout_ms = DEFAULT_TFTP_PACKET_TIMEOUT_MS;
  self->tftp_retries = DEFAULT_TFTP_RETRIES;
  self->max_size = PHONESEC_PAC_FETCH_DEFAULT_MAX_SIZE;
}

static GParamSpec *
uint_prop (const char *name, const char *blurb, guint min, guint max, guint def)
{
  return g_param_spec_uint (name, NULL, blurb, min, max, def,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
}

static void
phonesec_pac_source_class_init (PhonesecPacSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = phonesec_pac_source_set_property;
  object_class->get_property = phonesec_pac_source_get_property;
  object_class->dispose = phonesec_pac_source_dispose;
  object_class->finalize = phonesec_pac_source_finalize;

  props[PROP_SESSION]
      = g_param_spec_object ("session", NULL, "The HTTP(S) client", PHONESEC_TYPE_HTTP_CLIENT,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Values are read when the next timer or request starts. */
  props[PROP_REFRESH_INTERVAL_MS] = uint_prop ("refresh-interval-ms", "Time between refreshes", 1,
                                               G_MAXUINT, DEFAULT_REFRESH_MS);
  props[PROP_RETRY_INTERVAL_MS]
      = uint_prop ("retry-interval-ms", "First delay after a failure (then doubled)", 1, G_MAXUINT,
                   DEFAULT_RETRY_MS);
  props[PROP_MAX_RETRY_INTERVAL_MS] = uint_prop (
      "max-retry-interval-ms", "Longest delay after failures", 1, G_MAXUINT, DEFAULT_MAX_RETRY_MS);
  props[PROP_DNS_TIMEOUT_MS] = uint_prop ("dns-timeout-ms", "Time for one wpad name lookup", 1,
                                          G_MAXUINT, DEFAULT_DNS_TIMEOUT_MS);
  props[PROP_FETCH_TIMEOUT_MS] = uint_prop ("fetch-timeout-ms", "Time for one download", 1,
                                            G_MAXUINT, PHONESEC_PAC_FETCH_DEFAULT_TIMEOUT_MS);
  props[PROP_TFTP_PACKET_TIMEOUT_MS]
      = uint_prop ("tftp-packet-timeout-ms", "TFTP: wait for each answer before retransmitting", 1,
                   60000, DEFAULT_TFTP_PACKET_TIMEOUT_MS);
  props[PROP_TFTP_RETRIES] = uint_prop ("tftp-retries", "TFTP: retransmissions of one packet", 1,
                                        100, DEFAULT_TFTP_RETRIES);
  props[PROP_MAX_SIZE] = uint_prop ("max-size", "Largest script accepted, in bytes", 1,
                                    64 * 1024 * 1024, PHONESEC_PAC_FETCH_DEFAULT_MAX_SIZE);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}
