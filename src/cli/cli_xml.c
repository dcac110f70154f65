/*
 * cli_xml.c: libxml2 for the commands that read XML the way virsh does
 * (cli_xml.h): a domain's XML, XPath, nodes written back, and the
 * --xpath/--wrap of the *-dumpxml commands.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_xml.h"

/* node written by libxml2, re-indented when format.  Caller frees. */
static char *
node_dump(xmlDoc *doc, xmlNode *node, int format)
{
    xmlBuffer *buf = xmlBufferCreate();
    char *text = NULL;

    if (buf && xmlNodeDump(buf, doc, node, 0, format) >= 0)
        text = g_strdup((const char *)xmlBufferContent(buf));
    if (buf)
        xmlBufferFree(buf);
    return text;
}

char *
cli_xml_node_string(xmlDoc *doc, xmlNode *node)
{
    return node_dump(doc, node, 0);
}

xmlDoc *
cli_domain_xml_doc(vireo_domain *dom, unsigned int flags)
{
    g_autofree char *xml = vireo_domain_get_xml_desc(dom, flags);

    if (!xml)
        return NULL;
    return xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL, XML_PARSE_NONET);
}

char *
cli_xpath_string(xmlXPathContext *ctx, xmlNode *node, const char *expr)
{
    g_autoptr(xmlXPathObject) obj = NULL;

    ctx->node = node;
    obj = xmlXPathEval((const xmlChar *)expr, ctx);
    if (!obj || obj->type != XPATH_STRING || !obj->stringval || !obj->stringval[0])
        return NULL;
    return g_strdup((const char *)obj->stringval);
}

xmlXPathObject *
cli_xpath_nodes(xmlXPathContext *ctx, const char *expr)
{
    xmlXPathObject *obj = xmlXPathEval((const xmlChar *)expr, ctx);

    if (obj && (obj->type != XPATH_NODESET || !obj->nodesetval || !obj->nodesetval->nodeNr)) {
        xmlXPathFreeObject(obj);
        obj = NULL;
    }
    return obj;
}

/* One node as virsh's --xpath prints it: re-indented, one a line. */
static void
xpath_print_node(xmlDoc *doc, xmlNode *node)
{
    g_autofree char *text = node_dump(doc, node, 1);

    if (text)
        printf("%s\n", text);
}

/* The nodes of found copied under one <nodes> element, printed. */
static void
xpath_print_wrapped(xmlNodeSet *found)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"nodes");

    xmlDocSetRootElement(doc, root);
    for (int i = 0; found && i < found->nodeNr; i++)
        xmlAddChild(root, xmlDocCopyNode(found->nodeTab[i], doc, 1));
    xpath_print_node(doc, root);
}

bool
cli_print_xml(const char *xml, const char *xpath, bool wrap)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctx = NULL;
    g_autoptr(xmlXPathObject) found = NULL;

    if (!xpath) {
        printf("%s", xml);
        return true;
    }
    doc = xmlReadMemory(xml, (int)strlen(xml), "dump.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (!doc) {
        cli_error("failed to parse the XML to search with --xpath");
        return false;
    }
    ctx = xmlXPathNewContext(doc);
    /* a bad expression: libxml2 has said so on stderr, and virsh succeeds */
    if (!(found = xmlXPathEval((const xmlChar *)xpath, ctx)))
        return true;
    if (found->type != XPATH_NODESET) {
        cli_error("internal error: Incorrect xpath '%s'", xpath);
        return false;
    }
    if (wrap) {
        xpath_print_wrapped(found->nodesetval);
        return true;
    }
    for (int i = 0; found->nodesetval && i < found->nodesetval->nodeNr; i++)
        xpath_print_node(doc, found->nodesetval->nodeTab[i]);
    return true;
}
