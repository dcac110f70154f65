/*
 * test_caps.c: the test node's capabilities XML, in libvirt's layout
 * (identical to `virsh -c test:///default capabilities`): an i686 host
 * with two NUMA cells of eight CPUs on the default node, guests of os
 * types hvm and xen with domain type 'test'.
 */
#include "drivers/test/test_node.h"
#include "util/xml.h"

/* the default node's cells: memory KiB, and the page size holding it */
static const struct {
    unsigned long memory_kib;
    unsigned int page_kib;
} test_default_cells[] = {
    { 2097152, 4 },
    { 4194304, 8 },
};
#define TEST_CPUS_PER_CELL 8

static void test_caps_host_cpu(xml_buf *b)
{
    xbuf_add(b, "<cpu>\n");
    b->indent += 2;
    xbuf_add(b, "<arch>i686</arch>\n");
    xbuf_add(b, "<features>\n  <pae/>\n  <nonpae/>\n</features>\n");
    xbuf_add(b, "<pages unit='KiB' size='4'/>\n");
    xbuf_add(b, "<pages unit='KiB' size='8'/>\n");
    xbuf_add(b, "<pages unit='KiB' size='2048'/>\n");
    xbuf_add(b, "<pages unit='KiB' size='1048576'/>\n");
    b->indent -= 2;
    xbuf_add(b, "</cpu>\n");
}

static void test_caps_cell(xml_buf *b, unsigned int cell)
{
    unsigned int page = test_default_cells[cell].page_kib;
    unsigned long mem = test_default_cells[cell].memory_kib;

    xbuf_add(b, "<cell id='%u'>\n", cell);
    b->indent += 2;
    xbuf_add(b, "<memory unit='KiB'>%lu</memory>\n", mem);
    xbuf_add(b, "<pages unit='KiB' size='%u'>%lu</pages>\n", page, mem / page);
    xbuf_add(b, "<pages unit='KiB' size='2048'>0</pages>\n");
    xbuf_add(b, "<pages unit='KiB' size='1048576'>0</pages>\n");
    xbuf_add(b, "<cpus num='%u'>\n", TEST_CPUS_PER_CELL);
    for (unsigned int i = 0; i < TEST_CPUS_PER_CELL; i++) {
        unsigned int id = cell * TEST_CPUS_PER_CELL + i;

        xbuf_add(b, "  <cpu id='%u' socket_id='%u' die_id='0' core_id='%u' siblings='%u'/>\n",
                 id, cell, i, id);
    }
    xbuf_add(b, "</cpus>\n");
    b->indent -= 2;
    xbuf_add(b, "</cell>\n");
}

static void test_caps_topology(xml_buf *b, const test_node *node)
{
    unsigned int ncells = node->default_cells ? G_N_ELEMENTS(test_default_cells) : 0;

    xbuf_add(b, "<topology>\n");
    b->indent += 2;
    xbuf_add(b, "<cells num='%u'>\n", ncells);
    b->indent += 2;
    for (unsigned int i = 0; i < ncells; i++)
        test_caps_cell(b, i);
    b->indent -= 2;
    xbuf_add(b, "</cells>\n");
    b->indent -= 2;
    xbuf_add(b, "</topology>\n");
}

static void test_caps_guest(xml_buf *b, const char *os_type)
{
    xbuf_add(b, "<guest>\n");
    b->indent += 2;
    xbuf_add(b, "<os_type>%s</os_type>\n", os_type);
    xbuf_add(b, "<arch name='i686'>\n");
    xbuf_add(b, "  <wordsize>32</wordsize>\n");
    xbuf_add(b, "  <emulator>/usr/bin/test-hv</emulator>\n");
    xbuf_add(b, "  <domain type='test'/>\n");
    xbuf_add(b, "</arch>\n");
    xbuf_add(b, "<features>\n  <pae/>\n  <nonpae/>\n</features>\n");
    b->indent -= 2;
    xbuf_add(b, "</guest>\n\n");
}

char *test_caps_format(const test_node *node)
{
    xml_buf b;

    xbuf_init(&b, 0);
    xbuf_add(&b, "<capabilities>\n\n");
    b.indent = 2;
    xbuf_add(&b, "<host>\n");
    b.indent = 4;
    test_caps_host_cpu(&b);
    xbuf_add(&b, "<power_management/>\n");
    xbuf_add(&b, "<iommu support='no'/>\n");
    test_caps_topology(&b, node);
    xbuf_add(&b, "<secmodel>\n  <model>testSecurity</model>\n  <doi></doi>\n</secmodel>\n");
    b.indent = 2;
    xbuf_add(&b, "</host>\n\n");
    test_caps_guest(&b, "hvm");
    test_caps_guest(&b, "xen");
    b.indent = 0;
    xbuf_add(&b, "</capabilities>\n");
    return xbuf_steal(&b);
}
