// glibc's malloc tuning (mallopt, malloc_trim), which Swift's Glibc module leaves out. Header only: the functions
// are in libc. Only SSHDAuditor's MallocTuning imports this.
#pragma once
#include <malloc.h>
