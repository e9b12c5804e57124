/* phonesec-network.c: the Network interface and the facts behind it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-dbus-generated.h"
#include "phonesec-network.h"
#include "phonesec-validators.h"

struct _PhonesecNetwork
{
  GObject parent_instance;
  PhonesecDBusNetwork *skeleton;
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecNetwork, phonesec_network, G_TYPE_OBJECT)

static void
phonesec_network_dispose (GObject *object)
{
  PhonesecNetwork *self = PHONESEC_NETWORK (object);

  g_clear_object (&self->skeleton);
  G_OBJECT_CLASS (phonesec_network_parent_class)->dispose (object);
}

static void
phonesec_network_class_init (PhonesecNetworkClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_network_dispose;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
phonesec_network_init (PhonesecNetwork *self)
{
  const char *none[] = { NULL };

  self->skeleton = phonesec_dbus_network_skeleton_new ();
  phonesec_dbus_network_set_domain (self->skeleton, "");
  phonesec_dbus_network_set_addresses (self->skeleton, none);
  phonesec_dbus_network_set_dns_servers (self->skeleton, none);
  phonesec_dbus_network_set_dhcp_options (self->skeleton,
                                          g_variant_new_array (G_VARIANT_TYPE ("{us}"), NULL, 0));
}

PhonesecNetwork *
phonesec_network_new (void)
{
  return g_object_new (PHONESEC_TYPE_NETWORK, NULL);
}

static gboolean
check_addresses (const char *key, GVariant *value, GError **error)
{
  GVariantIter iter;
  const char *text;

  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("%s: expected a list of IP addresses (as)"), key);
      return FALSE;
    }
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "&s", &text))
    {
      g_autoptr (GInetAddress) address = g_inet_address_new_from_string (text);

      if (address == NULL)
        {
          g_autofree char *q = phonesec_quote_for_message (text, -1);

          g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                       _ ("%s: '%s' is not an IPv4 or IPv6 address"), key, q);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_facts (GVariant *facts, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, facts);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      if (g_str_equal (key, "domain"))
        {
          g_autoptr (GError) local = NULL;

          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
            {
              g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                                   _ ("domain: expected a string (s)"));
              return FALSE;
            }
          if (g_variant_get_string (value, NULL)[0] != '\0'
              && !phonesec_validate_kind ("fqdn", g_variant_get_string (value, NULL), &local))
            {
              g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, "domain: %s",
                           local->message);
              return FALSE;
            }
        }
      else if (g_str_equal (key, "addresses") || g_str_equal (key, "dns-servers"))
        {
          if (!check_addresses (key, value, error))
            return FALSE;
        }
      else if (g_str_equal (key, "dhcp-options"))
        {
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE ("a{us}")))
            {
              g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                                   _ ("dhcp-options: expected option number to text (a{us})"));
              return FALSE;
            }
        }
      else
        {
          g_autofree char *q = phonesec_quote_for_message (key, -1);

          g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                       _ ("'%s' is not a network fact; allowed: domain, addresses, dns-servers, "
                          "dhcp-options"),
                       q);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
phonesec_network_update (PhonesecNetwork *self, GVariant *facts, GError **error)
{
  g_autoptr (GVariant) before = phonesec_network_dup_facts (self);
  g_autoptr (GVariant) after = NULL;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (!check_facts (facts, error))
    return FALSE;

  g_variant_iter_init (&iter, facts);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      if (g_str_equal (key, "domain"))
        phonesec_dbus_network_set_domain (self->skeleton, g_variant_get_string (value, NULL));
      else if (g_str_equal (key, "addresses"))
        {
          g_autofree const char **list = g_variant_get_strv (value, NULL);
          phonesec_dbus_network_set_addresses (self->skeleton, list);
        }
      else if (g_str_equal (key, "dns-servers"))
        {
          g_autofree const char **list = g_variant_get_strv (value, NULL);
          phonesec_dbus_network_set_dns_servers (self->skeleton, list);
        }
      else
        phonesec_dbus_network_set_dhcp_options (self->skeleton, value);
    }

  after = phonesec_network_dup_facts (self);
  if (!g_variant_equal (before, after))
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

GVariant *
phonesec_network_dup_facts (PhonesecNetwork *self)
{
  GVariantDict dict;
  const char *const *addresses = phonesec_dbus_network_get_addresses (self->skeleton);
  const char *const *dns = phonesec_dbus_network_get_dns_servers (self->skeleton);

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "domain", "s", phonesec_dbus_network_get_domain (self->skeleton));
  g_variant_dict_insert_value (&dict, "addresses", g_variant_new_strv (addresses, -1));
  g_variant_dict_insert_value (&dict, "dns-servers", g_variant_new_strv (dns, -1));
  g_variant_dict_insert_value (&dict, "dhcp-options",
                               phonesec_dbus_network_get_dhcp_options (self->skeleton));
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

const char *
phonesec_network_get_primary_address (PhonesecNetwork *self)
{
  const char *const *addresses = phonesec_dbus_network_get_addresses (self->skeleton);

  return addresses != NULL && addresses[0] != NULL ? addresses[0] : "";
}

GDBusInterfaceSkeleton *
phonesec_network_get_skeleton (PhonesecNetwork *self)
{
  return G_DBUS_INTERFACE_SKELETON (self->skeleton);
}
