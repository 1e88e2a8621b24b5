/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shell completion. 'kmemlab __complete WORD...' prints, one per line, the
 * words that may stand in for the last WORD (the one being completed) after
 * the others, or the line ":files" when a file name goes there. It answers
 * from the tables the CLI itself parses with, so kmemlab.bash-completion is
 * only the shell's side of this and never lists a name.
 */
#ifndef KMEMLAB_COMPLETE_H
#define KMEMLAB_COMPLETE_H

#include <getopt.h>

#define COMPLETE_COMMAND	"__complete"

/* Answer for the words @argv[0..@argc-1]; @global: the global options. */
int complete_main(int argc, char **argv, const struct option *global);
/* Offer @word if it begins with @cur. */
void complete_word(const char *cur, const char *word);

#endif /* KMEMLAB_COMPLETE_H */
