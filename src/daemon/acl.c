/*
 * acl.c: the access rules file, read and matched (acl.h; the call side is
 * acl_call.c).
 *
 * One rule a line:  allow|deny SUBJECT PERM[,PERM...] [name=GLOB]
 *   SUBJECT  user:NAME, group:NAME, x509:DN, sasl:NAME or * (NAME and DN
 *            are globs; a value with blanks is written in double quotes)
 *   PERM     KIND.PERMISSION as libvirt names them (domain.start,
 *            storage_pool.refresh, connect.search_domains), globs allowed
 *   name=    the object's name (a volume is POOL/VOLUME, a secret its UUID)
 */
#define _GNU_SOURCE     /* getgrouplist */
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "daemon/acl.h"
#include "daemon/config.h"
#include "util/error.h"

typedef enum {
    SUBJ_ANY,
    SUBJ_USER,
    SUBJ_GROUP,
    SUBJ_X509,
    SUBJ_SASL,
} subject_kind;

/* One line of the file.  Owned by daemon_acl.rules. */
typedef struct acl_rule {
    bool allow;
    subject_kind subject;
    char *pattern;          /* the subject's glob, NULL for * */
    char **perms;           /* globs, NULL-terminated */
    char *name;             /* the object's glob, NULL: any object */
    unsigned int line;
} acl_rule;

struct daemon_acl {
    GPtrArray *rules;       /* of acl_rule *, file order */
};

/* The kinds of object libvirt's permissions are on. */
static const char *const acl_kinds[] = {
    "connect", "domain", "network", "storage_pool", "storage_vol", "secret", "nwfilter",
    "interface", "node_device", "network_port", "nwfilter_binding", NULL,
};

static void acl_rule_free(acl_rule *r)
{
    g_free(r->pattern);
    g_strfreev(r->perms);
    g_free(r->name);
    g_free(r);
}

void acl_free(daemon_acl *acl)
{
    if (!acl)
        return;
    g_ptr_array_unref(acl->rules);
    g_free(acl);
}

unsigned int acl_rule_count(const daemon_acl *acl)
{
    return acl ? acl->rules->len : 0;
}

/* Split a line into words; "..." keeps blanks inside a word.  NULL when
 * a quote is not closed. */
static char **acl_words(const char *line)
{
    g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func(g_free);
    const char *p = line;

    for (;;) {
        GString *w;

        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            break;
        w = g_string_new(NULL);
        while (*p && *p != ' ' && *p != '\t') {
            if (*p == '"') {
                const char *end = strchr(p + 1, '"');

                if (!end) {
                    g_string_free(w, TRUE);
                    return NULL;
                }
                g_string_append_len(w, p + 1, end - p - 1);
                p = end + 1;
                continue;
            }
            g_string_append_c(w, *p++);
        }
        g_ptr_array_add(words, g_string_free(w, FALSE));
    }
    g_ptr_array_add(words, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&words), FALSE);
}

static bool acl_kind_known(const char *kind, size_t len)
{
    if (len == 1 && kind[0] == '*')
        return true;
    for (size_t i = 0; acl_kinds[i]; i++) {
        if (strlen(acl_kinds[i]) == len && strncmp(acl_kinds[i], kind, len) == 0)
            return true;
    }
    return false;
}

/* KIND.PERMISSION with a known kind (or *), letters, _ and globs. */
static bool acl_perm_valid(const char *perm)
{
    const char *dot = strchr(perm, '.');

    if (strcmp(perm, "*") == 0)
        return true;
    if (!dot || !acl_kind_known(perm, dot - perm) || !dot[1])
        return false;
    for (const char *p = dot + 1; *p; p++) {
        if (!g_ascii_islower(*p) && *p != '_' && *p != '*' && *p != '?')
            return false;
    }
    return true;
}

static int acl_subject_parse(acl_rule *r, const char *word, const char *name, unsigned int line)
{
    static const struct {
        const char *prefix;
        subject_kind kind;
    } kinds[] = {
        { "user:", SUBJ_USER }, { "group:", SUBJ_GROUP },
        { "x509:", SUBJ_X509 }, { "sasl:", SUBJ_SASL },
    };

    if (strcmp(word, "*") == 0) {
        r->subject = SUBJ_ANY;
        return 0;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
        if (g_str_has_prefix(word, kinds[i].prefix) && word[strlen(kinds[i].prefix)]) {
            r->subject = kinds[i].kind;
            r->pattern = g_strdup(word + strlen(kinds[i].prefix));
            return 0;
        }
    }
    error_report(VIREO_FROM_CONF, DAEMON_ERR_CONF_SYNTAX,
                 "%s:%u: unknown subject '%s' (expected user:NAME, group:NAME, x509:DN, "
                 "sasl:NAME or *)", name, line, word);
    return -1;
}

/* One non-empty line into a rule; NULL with the error set. */
static acl_rule *acl_rule_parse(char **w, const char *name, unsigned int line)
{
    acl_rule *r = g_new0(acl_rule, 1);
    guint n = g_strv_length(w);

    r->line = line;
    if (n < 3 || n > 4 || (strcmp(w[0], "allow") != 0 && strcmp(w[0], "deny") != 0)) {
        error_report(VIREO_FROM_CONF, DAEMON_ERR_CONF_SYNTAX,
                     "%s:%u: expected 'allow|deny SUBJECT PERMISSIONS [name=PATTERN]'", name,
                     line);
        goto bad;
    }
    r->allow = strcmp(w[0], "allow") == 0;
    if (acl_subject_parse(r, w[1], name, line) < 0)
        goto bad;
    r->perms = g_strsplit(w[2], ",", -1);
    for (size_t i = 0; r->perms[i]; i++) {
        if (!acl_perm_valid(r->perms[i])) {
            error_report(VIREO_FROM_CONF, DAEMON_ERR_CONF_SYNTAX,
                         "%s:%u: bad permission '%s' (expected KIND.PERMISSION, as "
                         "domain.start)", name, line, r->perms[i]);
            goto bad;
        }
    }
    if (n == 4) {
        if (!g_str_has_prefix(w[3], "name=") || !w[3][5]) {
            error_report(VIREO_FROM_CONF, DAEMON_ERR_CONF_SYNTAX,
                         "%s:%u: expected name=PATTERN, not '%s'", name, line, w[3]);
            goto bad;
        }
        r->name = g_strdup(w[3] + 5);
    }
    return r;

bad:
    acl_rule_free(r);
    return NULL;
}

daemon_acl *acl_load_string(const char *text, const char *name)
{
    daemon_acl *acl = g_new0(daemon_acl, 1);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    acl->rules = g_ptr_array_new_with_free_func((GDestroyNotify)acl_rule_free);
    for (unsigned int i = 0; lines[i]; i++) {
        g_auto(GStrv) w = acl_words(lines[i]);
        acl_rule *r;

        if (!w) {
            error_report(VIREO_FROM_CONF, DAEMON_ERR_CONF_SYNTAX, "%s:%u: unclosed quote",
                         name, i + 1);
            acl_free(acl);
            return NULL;
        }
        if (!w[0])
            continue;
        if (!(r = acl_rule_parse(w, name, i + 1))) {
            acl_free(acl);
            return NULL;
        }
        g_ptr_array_add(acl->rules, r);
    }
    return acl;
}

daemon_acl *acl_load_file(const char *path)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) gerr = NULL;

    if (!g_file_get_contents(path, &text, NULL, &gerr)) {
        error_report(VIREO_FROM_CONF, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "cannot read the access rules file '%s': %s", path, gerr->message);
        return NULL;
    }
    return acl_load_string(text, path);
}

/* ---- the caller ---- */

void acl_subject_init(acl_subject *s, const daemon_identity *id)
{
    gid_t groups[256];
    int n = G_N_ELEMENTS(groups);
    GPtrArray *names = g_ptr_array_new();

    s->id = id;
    if (id->local && id->group)
        g_ptr_array_add(names, g_strdup(id->group));
    /* supplementary groups: the user's, as the group database has them */
    if (id->local && id->user && getgrouplist(id->user, id->gid, groups, &n) >= 0) {
        for (int i = 0; i < n; i++) {
            struct group gr, *found = NULL;
            char buf[4096];

            if (groups[i] == id->gid)
                continue;
            if (getgrgid_r(groups[i], &gr, buf, sizeof(buf), &found) == 0 && found)
                g_ptr_array_add(names, g_strdup(found->gr_name));
        }
    }
    g_ptr_array_add(names, NULL);
    s->groups = (char **)g_ptr_array_free(names, FALSE);
}

void acl_subject_clear(acl_subject *s)
{
    g_strfreev(s->groups);
    s->groups = NULL;
}

const char *acl_subject_name(const acl_subject *s, char *buf, size_t len)
{
    const daemon_identity *id = s->id;

    if (id->sasl_user)
        return id->sasl_user;
    if (id->x509_dn)
        return id->x509_dn;
    if (id->local && id->user)
        return id->user;
    if (id->local) {
        g_snprintf(buf, len, "uid %u", (unsigned int)id->uid);
        return buf;
    }
    return id->address ? id->address : "unknown";
}

static bool acl_glob(const char *pattern, const char *s)
{
    return s && g_pattern_match_simple(pattern, s);
}

static bool acl_subject_matches(const acl_rule *r, const acl_subject *s)
{
    const daemon_identity *id = s->id;

    switch (r->subject) {
    case SUBJ_ANY:
        return true;
    case SUBJ_USER:
        return id->local && acl_glob(r->pattern, id->user);
    case SUBJ_GROUP:
        for (size_t i = 0; s->groups && s->groups[i]; i++) {
            if (acl_glob(r->pattern, s->groups[i]))
                return true;
        }
        return false;
    case SUBJ_X509:
        return acl_glob(r->pattern, id->x509_dn);
    case SUBJ_SASL:
        return acl_glob(r->pattern, id->sasl_user);
    }
    return false;
}

static bool acl_rule_matches(const acl_rule *r, const acl_subject *s, const char *perm,
                             const char *name)
{
    bool perm_ok = false;

    for (size_t i = 0; r->perms[i] && !perm_ok; i++)
        perm_ok = acl_glob(r->perms[i], perm);
    if (!perm_ok)
        return false;
    if (r->name && !acl_glob(r->name, name))
        return false;
    return acl_subject_matches(r, s);
}

bool acl_perm_is_read(const char *perm)
{
    const char *p = strchr(perm, '.');

    p = p ? p + 1 : perm;
    return strcmp(p, "getattr") == 0 || strcmp(p, "read") == 0 ||
           g_str_has_prefix(p, "search_");
}

bool acl_allowed(const daemon_acl *acl, const acl_subject *s, const char *perm, const char *name)
{
    for (guint i = 0; i < acl->rules->len; i++) {
        const acl_rule *r = acl->rules->pdata[i];

        if (acl_rule_matches(r, s, perm, name))
            return r->allow;
    }
    return acl_perm_is_read(perm);
}
