/* SPDX-License-Identifier: MIT */
#include <stdio.h>
int main(void) {
  puts("archmatrix " AM_VERSION);
  return 0;
}
