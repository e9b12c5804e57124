/* phonesec-phone.h: what the parts of phonesec-phone share.
 *
 * Internal (not installed).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec-menus-api.h"
#include "phonesec-phone-keys.h"

G_BEGIN_DECLS

/* One screen on the navigation stack. */
typedef struct
{
  GMenuModel *model;
  char *title;
  guint selected;
  gulong changed_id;
} PhonesecPhoneScreen;

typedef struct
{
  GMainLoop *loop;
  GDBusConnection *connection;
  GDBusMenuModel *home;
  GDBusActionGroup *actions;
  GPtrArray *stack; /* of PhonesecPhoneScreen, the home screen first */
  guint name_watch;
  gboolean service_present;
  guint render_id;

  /* Text entry: the action and label of the field being typed. */
  char *edit_action;
  char *edit_label;
  GString *edit_text;
  gboolean edit_secret;

  char *message;          /* shown until the next key */
  guint32 message_serial; /* of the menus' last message seen */
} PhonesecPhone;

/* phonesec-phone-view.c: what the current screen shows. */
void phonesec_phone_render (PhonesecPhone *phone);
/* The value a line shows (action state, words from its attributes). */
char *phonesec_phone_item_value (PhonesecPhone *phone, GMenuModel *model, int index);
/* The action of a line without the "phone." prefix, or NULL. */
char *phonesec_phone_item_action (GMenuModel *model, int index);
char *phonesec_phone_item_string (GMenuModel *model, int index, const char *attribute);

/* phonesec-phone-input.c: a key pressed. */
void phonesec_phone_handle_key (PhonesecPhone *phone, const PhonesecKeyEvent *event);
void phonesec_phone_push (PhonesecPhone *phone, GMenuModel *model, const char *title);
void phonesec_phone_schedule_render (PhonesecPhone *phone);

G_END_DECLS
