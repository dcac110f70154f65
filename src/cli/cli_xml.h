/*
 * cli_xml.h: reading a domain's XML with libxml2 the way virsh does
 * (XPath, and nodes written back as virXMLNodeToString writes them), for
 * the commands that find or change one device in it (cmd_domif*.c);
 * cli_xml.c.
 */
#ifndef VIREO_CLI_XML_H
#define VIREO_CLI_XML_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "cli/cli.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)

/* The domain's XML (flags: VIREO_DOMAIN_XML_*) parsed; NULL with the
 * library's error left for the runner to print.  Caller frees. */
xmlDoc *cli_domain_xml_doc(vireo_domain *dom, unsigned int flags);
/* The string value of expr evaluated at node; NULL when empty, as
 * virXPathString.  Caller frees. */
char *cli_xpath_string(xmlXPathContext *ctx, xmlNode *node, const char *expr);
/* The nodes expr selects; NULL when none (never an empty set).  Caller
 * frees. */
xmlXPathObject *cli_xpath_nodes(xmlXPathContext *ctx, const char *expr);
/* node as virXMLNodeToString writes it: no formatting added, double
 * quotes.  Caller frees. */
char *cli_xml_node_string(xmlDoc *doc, xmlNode *node);

#endif
