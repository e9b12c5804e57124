/* phonesec-firewall-options.c: reads Firewall_Config.
 *
 * The core validates the value before it is stored
 * (core/phonesec-validators.c), but a plugin sees only the SDK, so the
 * value is read again here, by the same rules. fuzz-firewall-options checks
 * that every value the core accepts is read here, and read right.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <phonesec/phonesec-error.h>
#include <string.h>

#include "phonesec-firewall-options.h"

static const char *const flag_names[] = { "NO_ICMP_PING", "NO_ICMP_UNREACHABLE", "NO_CISCO_TFTP" };

static gboolean
fail (GError **error, const char *item, const char *why)
{
  g_autofree char *quoted = phonesec_quote_for_message (item, -1);

  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, "Firewall_Config: %s: %s",
               quoted, why);
  return FALSE;
}

/* A port as the core reads one: an optional sign, then digits only. */
static gboolean
parse_port (const char *text, guint16 *out)
{
  const char *p = text;
  guint value = 0;

  if (*p == '+' || *p == '-')
    {
      /* Negative numbers and -0 are below 1 anyway. */
      if (*p++ == '-')
        return FALSE;
    }
  if (!g_ascii_isdigit (*p))
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    {
      value = value * 10 + (guint) (*p - '0');
      /* Past 65535 it can only grow; keep reading to see it is a number. */
      if (value > G_MAXUINT16)
        value = G_MAXUINT16 + 1;
    }
  if (*p != '\0' || value < 1 || value > G_MAXUINT16)
    return FALSE;
  *out = (guint16) value;
  return TRUE;
}

static gboolean
set_flag (PhonesecFirewallOptions *out, guint index)
{
  gboolean *flags[] = { &out->no_icmp_ping, &out->no_icmp_unreachable, &out->no_cisco_tftp };

  *flags[index] = TRUE;
  return TRUE;
}

/* One non-empty item, already stripped. */
static gboolean
parse_item (const char *item, PhonesecFirewallOptions *out, guint counts[2], GError **error)
{
  g_auto (GStrv) parts = g_strsplit (item, ":", -1);
  guint n_parts = g_strv_length (parts);
  PhonesecFirewallRange range;

  for (guint i = 0; i < n_parts; i++)
    g_strstrip (parts[i]);
  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (g_ascii_strcasecmp (parts[0], flag_names[i]) == 0)
      return n_parts == 1 ? set_flag (out, i)
                          : fail (error, item, _ ("this option takes no value"));

  if (g_ascii_strcasecmp (parts[0], "UDP") == 0)
    range.protocol = PHONESEC_FIREWALL_UDP;
  else if (g_ascii_strcasecmp (parts[0], "TCP") == 0)
    range.protocol = PHONESEC_FIREWALL_TCP;
  else
    return fail (error, item, _ ("not a firewall option"));
  if (n_parts < 2 || n_parts > 3)
    return fail (error, item, _ ("write UDP:port, UDP:first:last, TCP:port or TCP:first:last"));
  if (!parse_port (parts[1], &range.first) || !parse_port (parts[n_parts - 1], &range.last))
    return fail (error, item, _ ("a port is 1 to 65535"));
  if (range.first > range.last)
    return fail (error, item, _ ("the range is reversed"));
  if (++counts[range.protocol] > PHONESEC_FIREWALL_MAX_OPTION_PORTS)
    return fail (error, item, _ ("at most 5 UDP and 5 TCP entries"));
  out->ranges[out->n_ranges++] = range;
  return TRUE;
}

gboolean
phonesec_firewall_options_parse (const char *text, PhonesecFirewallOptions *out, GError **error)
{
  g_auto (GStrv) items = NULL;
  guint counts[2] = { 0, 0 };

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      /* Empty items ("A,,B", a trailing comma) are allowed, as in the core. */
      if (*g_strstrip (items[i]) != '\0' && !parse_item (items[i], out, counts, error))
        {
          memset (out, 0, sizeof *out);
          return FALSE;
        }
    }
  return TRUE;
}
