/*
 * Test-only driver for the differential test against Python's `packaging`
 * (tests/unit/pep440_differential.py): reads lines "SPECIFIERS<TAB>VERSION"
 * and prints, per line, what lf_pep440_set_contains says with prereleases
 * left to the set and with prereleases=True ("1 1", "0 1"), or "E" when
 * loadfix refuses the specifier or the version.  A line
 * "SPECIFIERS<TAB><VERSION" asks lf_pep440_set_admits about the versions
 * below VERSION instead: "none", "maybe" or "witness W".  Not part of the
 * CLI.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadfix/pep440.h"

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		char *tab = strchr(line, '\t');
		if (!tab) {
			puts("E");
			continue;
		}
		lf_pep440_set set;
		lf_pep440_version v;
		if (!lf_pep440_set_parse(line, (size_t)(tab - line), &set, NULL)) {
			puts("E");
			continue;
		}
		bool admits = tab[1] == '<';
		const char *version = tab + 1 + admits;
		if (!lf_pep440_version_parse(version, strlen(version), &v)) {
			puts("E");
		} else if (admits) {
			lf_pep440_range range = {.has_upper = true, .upper = v};
			lf_pep440_version witness;
			lf_pep440_admission a = lf_pep440_set_admits(&set, &range, &witness);
			char text[256];
			if (a == LF_PEP440_ADMITS_WITNESS && lf_pep440_version_format(&witness, text, sizeof text))
				printf("witness %s\n", text);
			else
				puts(a == LF_PEP440_ADMITS_NONE ? "none" : "maybe");
		} else {
			printf("%d %d\n", lf_pep440_set_contains(&set, &v, LF_PEP440_PRERELEASES_AUTO),
			       lf_pep440_set_contains(&set, &v, LF_PEP440_PRERELEASES_ALLOW));
		}
		lf_pep440_set_finish(&set);
	}
	free(line);
	return 0;
}
