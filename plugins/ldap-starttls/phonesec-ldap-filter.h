/* phonesec-ldap-filter.h: pure helpers of the ldap-starttls plugin: RFC 4515
 * escaping, search filter building, LDAP_Display_Attrs and
 * LDAP_Number_Mapping parsing. No libldap, no I/O: unit-tested and fuzzed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The filter used when neither LDAP_Last_Name_Filter nor
 * LDAP_First_Name_Filter is set. */
#define PHONESEC_LDAP_DEFAULT_FILTER "(|(cn=$VALUE*)(sn=$VALUE*))"

/* Escapes @value for use inside an LDAP filter assertion value (RFC 4515):
 * `*` `(` `)` `\` NUL and the other ASCII control characters become `\XX`.
 * @len may be -1 for a NUL-terminated string; with a length, embedded NULs
 * are escaped too. Valid UTF-8 is kept as is; invalid bytes are escaped. */
char *phonesec_ldap_escape_filter_value (const char *value, gssize len);

/* Checks one name-filter template and returns it normalised to a
 * parenthesised filter still holding `$VALUE`. Accepted forms:
 *   `sn:(sn=$VALUE*)`  Cisco's form: attribute, colon, filter
 *   `(sn=$VALUE*)`     a plain filter
 *   `sn=$VALUE*`       a bare item (gets parentheses)
 * Parentheses must balance, `$VALUE` must appear, NUL/control characters
 * are refused. Returns %NULL with @error (PHONESEC_ERROR_INVALID_VALUE)
 * otherwise. */
char *phonesec_ldap_filter_template_normalize (const char *template, GError **error);

/* Builds the search filter for @query: escapes it, substitutes every
 * `$VALUE` of the (non-empty) templates, ORs them when both are set, and
 * uses PHONESEC_LDAP_DEFAULT_FILTER when neither is. */
char *phonesec_ldap_build_filter (const char *last_name_template, const char *first_name_template,
                                  const char *query, GError **error);

/* TRUE for an LDAP attribute type we accept: a name
 * (`[A-Za-z][A-Za-z0-9-]*`, at most 64 characters) or a numeric OID. Options
 * (`;binary`) are refused: `;` separates list entries. */
gboolean phonesec_ldap_attribute_name_is_valid (const char *name);

typedef struct
{
  char *attribute; /* LDAP attribute name */
  char *label;     /* display label (n=), or %NULL */
  gboolean number; /* t=p: the value is a phone number */
} PhonesecLdapDisplayAttr;

void phonesec_ldap_display_attr_free (PhonesecLdapDisplayAttr *attr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecLdapDisplayAttr, phonesec_ldap_display_attr_free)

/* Parses LDAP_Display_Attrs. Either Cisco's form, entries separated by `;`,
 * each `a=ATTR[,n=LABEL][,t=p]` (`t=p`: a phone number), or a plain list of
 * attribute names separated by `,` or `;`. Empty → cn, sn, givenName,
 * telephoneNumber, mobile. Returns a GPtrArray of PhonesecLdapDisplayAttr
 * (duplicates merged), or %NULL with @error. */
GPtrArray *phonesec_ldap_parse_display_attrs (const char *text, GError **error);

/* Parses LDAP_Number_Mapping as we accept it: a list of attribute names
 * separated by `,` or `;`, in the order their values are offered as numbers
 * (`telephoneNumber,mobile,homePhone`). Empty → telephoneNumber, mobile.
 * Returns a %NULL-terminated array, or %NULL with @error. */
GStrv phonesec_ldap_parse_number_mapping (const char *text, GError **error);

G_END_DECLS
