/* phonesec-actors.c: a list of actors, each with its parameter patterns.
 *
 * A handful of actors with a few patterns each: a walk per question is
 * cheaper than an index to keep up to date.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-actors.h"

typedef struct
{
  char *name;
  GPtrArray *patterns; /* GPatternSpec* */
  PhonesecActorActiveFunc active;
  gpointer data;
} Actor;

struct _PhonesecActors
{
  GPtrArray *actors; /* Actor* */
};

static void
actor_free (Actor *actor)
{
  g_ptr_array_unref (actor->patterns);
  g_free (actor->name);
  g_free (actor);
}

PhonesecActors *
phonesec_actors_new (void)
{
  PhonesecActors *self = g_new0 (PhonesecActors, 1);

  self->actors = g_ptr_array_new_with_free_func ((GDestroyNotify) actor_free);
  return self;
}

void
phonesec_actors_free (PhonesecActors *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->actors);
  g_free (self);
}

static Actor *
find (PhonesecActors *self, const char *name, guint *index)
{
  for (guint i = 0; i < self->actors->len; i++)
    {
      Actor *actor = self->actors->pdata[i];

      if (g_str_equal (actor->name, name))
        {
          if (index != NULL)
            *index = i;
          return actor;
        }
    }
  return NULL;
}

void
phonesec_actors_remove (PhonesecActors *self, const char *name)
{
  guint index;

  if (find (self, name, &index) != NULL)
    g_ptr_array_remove_index (self->actors, index);
}

void
phonesec_actors_add_patterns (PhonesecActors *self, const char *name, const char *const *patterns)
{
  Actor *actor = find (self, name, NULL);

  if (actor == NULL)
    return;
  for (guint i = 0; patterns != NULL && patterns[i] != NULL; i++)
    if (patterns[i][0] != '\0')
      g_ptr_array_add (actor->patterns, g_pattern_spec_new (patterns[i]));
}

void
phonesec_actors_add (PhonesecActors *self, const char *name, const char *const *patterns,
                     PhonesecActorActiveFunc active, gpointer data)
{
  Actor *actor = g_new0 (Actor, 1);

  phonesec_actors_remove (self, name);
  actor->name = g_strdup (name);
  actor->patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) g_pattern_spec_free);
  actor->active = active;
  actor->data = data;
  g_ptr_array_add (self->actors, actor);
  phonesec_actors_add_patterns (self, name, patterns);
}

static gboolean
actor_matches (Actor *actor, const char *parameter)
{
  gsize len = strlen (parameter);

  for (guint i = 0; i < actor->patterns->len; i++)
    if (g_pattern_spec_match (actor->patterns->pdata[i], len, parameter, NULL))
      return TRUE;
  return FALSE;
}

static int
strcmp_ptr (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GStrv
phonesec_actors_dup_for (PhonesecActors *self, const char *parameter)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < self->actors->len; i++)
    {
      Actor *actor = self->actors->pdata[i];

      if (actor_matches (actor, parameter)
          && (actor->active == NULL || actor->active (actor->data)))
        g_ptr_array_add (names, g_strdup (actor->name));
    }
  g_ptr_array_sort (names, strcmp_ptr);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}
