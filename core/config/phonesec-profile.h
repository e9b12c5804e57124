/* phonesec-profile.h: the phone's cfg.xml (flat profile) reader and writer.
 *
 * Pure text processing: knows nothing of the schema. The store decides what
 * each element means.
 *
 * Internal to the core (not installed).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *name;  /* element name as written */
  char *value; /* text content, entities and CDATA resolved, surrounding
                  white space stripped */
  char *ua;    /* the ua attribute as written, or NULL when absent */
  guint line;  /* line in the document, for messages */
} PhonesecProfileEntry;

typedef struct
{
  GPtrArray *entries;  /* of PhonesecProfileEntry*, document order, duplicates kept
                          (the caller applies them in order: the last one wins) */
  GPtrArray *problems; /* of char*: "line 12: <Foo> has a child element <Bar>; a
                          parameter holds text only" — elements skipped, not fatal */
} PhonesecProfile;

void phonesec_profile_free (PhonesecProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecProfile, phonesec_profile_free)

/**
 * phonesec_profile_parse:
 * @text: the document (UTF-8)
 * @length: its length, or -1 when NUL-terminated
 *
 * Parses with GMarkup (no DOM). Accepts `<flat-profile>` as the root, or
 * `<device>` wrapping one `<flat-profile>`; each child of flat-profile is
 * one parameter with text content. Malformed XML, another root, or nesting
 * deeper than a parameter's element is an error
 * (PHONESEC_ERROR_INVALID_VALUE, message with line and column); documents
 * larger than 16 MiB are refused before parsing.
 *
 * Returns: (transfer full): the profile, or %NULL with @error set
 */
PhonesecProfile *phonesec_profile_parse (const char *text, gssize length, GError **error);

/**
 * PhonesecProfileWriter: builds a cfg.xml document.
 */
typedef struct _PhonesecProfileWriter PhonesecProfileWriter;

PhonesecProfileWriter *phonesec_profile_writer_new (void);
/* @ua: (nullable) "na"/"ro"/"rw" or NULL for no attribute; @value escaped here */
void phonesec_profile_writer_add (PhonesecProfileWriter *writer, const char *name,
                                  const char *value, const char *ua);
/* A comment line (escaped so it cannot end the comment early). */
void phonesec_profile_writer_add_comment (PhonesecProfileWriter *writer, const char *text);
/* Returns the document and frees the writer. */
char *phonesec_profile_writer_finish (PhonesecProfileWriter *writer);

G_END_DECLS
