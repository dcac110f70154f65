/*
 * domain_priv.h: helpers shared by the domain_*.c files of src/conf only.
 */
#ifndef VIREO_CONF_DOMAIN_PRIV_H
#define VIREO_CONF_DOMAIN_PRIV_H

#include "conf/domain_def.h"
#include "util/xml.h"

/* GPtrArray free functions for the element types of domain_def */
void domain_feature_state_free(gpointer p);
void domain_timer_free(gpointer p);
void domain_sysinfo_entry_free(gpointer p);
void domain_sysinfo_block_free(gpointer p);
void domain_seclabel_free(gpointer p);
domain_cpu *domain_cpu_new(void);
void domain_cpu_free(domain_cpu *cpu);

/* A CPU or node list in libvirt's canonical form ("0-1,^1,3" -> "0,3");
 * NULL when malformed or empty.  Caller g_free()s. */
char *cpuset_normalize(const char *s);
/* Read attr of node as a CPU list into *out (normalized); 0 absent or
 * done, -1 with an error naming the value. */
int domain_attr_cpuset(xml_doc *d, xmlNode *node, const char *attr, char **out);

/* Read a scaled size: the element's text (or attribute attr when not NULL)
 * in the unit given by unit=''; rounded up to KiB.  1 present, 0 absent,
 * -1 with an error. */
int domain_parse_size(xml_doc *d, xmlNode *node, const char *attr, uint64_t *kib);

/* xml_attr_choice with a sticky error: the value or NULL (absent); -1 in *rc on error. */
char *domain_attr_enum(xml_doc *d, xmlNode *node, const char *attr, const char *const *names,
                       int *rc);

/* domain_cpu.c: <features>, <cpu>, <clock>, both ways */
int domain_features_parse(xml_doc *d, xmlNode *node, domain_features *f);
void domain_features_format(xml_buf *b, const domain_features *f);
int domain_cpu_parse(xml_doc *d, xmlNode *node, domain_cpu **out);
void domain_cpu_format(xml_buf *b, const domain_cpu *cpu);
int domain_clock_parse(xml_doc *d, xmlNode *node, domain_clock *clock);
void domain_clock_format(xml_buf *b, const domain_clock *clock);

/* domain_container.c: <idmap> and <resource>, both ways */
int domain_idmap_parse(xml_doc *d, xmlNode *root, domain_idmap *idmap);
void domain_idmap_format(xml_buf *b, const domain_idmap *idmap);
int domain_resource_parse(xml_doc *d, xmlNode *root, char **partition);
void domain_resource_format(xml_buf *b, const char *partition);
/* <features><capabilities policy=''> of a container */
int domain_caps_parse(xml_doc *d, xmlNode *features, domain_features *f);
void domain_caps_format(xml_buf *b, const domain_features *f);

/* domain_os.c: <os> both ways, <sysinfo>, tuning elements */
int domain_os_parse(xml_doc *d, xmlNode *node, domain_def *def);
void domain_os_format(xml_buf *b, const domain_def *def);
int domain_tune_parse(xml_doc *d, xmlNode *root, domain_tune *t);
void domain_cputune_format(xml_buf *b, const domain_tune *t);
void domain_memtune_format(xml_buf *b, const domain_tune *t);
void domain_blkiotune_format(xml_buf *b, const domain_tune *t);
void domain_numatune_format(xml_buf *b, const domain_tune *t);
int domain_sysinfo_parse(xml_doc *d, xmlNode *node, GPtrArray **out);
void domain_sysinfo_format(xml_buf *b, const GPtrArray *sysinfo);

#endif
