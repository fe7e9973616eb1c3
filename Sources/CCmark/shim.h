#ifndef PALAVER_CCMARK_SHIM_H
#define PALAVER_CCMARK_SHIM_H

/*
 * cmark-gfm, the reference CommonMark / GitHub-Flavoured Markdown parser, with its core
 * extensions (table, strikethrough, autolink, tasklist). Only the Markdown renderer of
 * TerminalUI imports this module.
 */
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>

#endif
