# sendsim - build, test, run and benchmark.
#
#   make          build build/sendsim
#   make run      install missing packages, build, run the baseline scenario end to end
#                 (results, charts and the HTML report in results/)
#   make test     install missing packages, build and run every cmocka test
#   make asan     the tests under AddressSanitizer + UBSan (build-asan/)
#   make tsan     the tests under ThreadSanitizer, with clang and LLVM's OpenMP (build-tsan/)
#   make valgrind the tests under valgrind memcheck
#   make bench    build and run the benchmarks (build/bench/)
#   make fuzz     fuzz every reader with clang's libFuzzer (build-fuzz/; FUZZ_SECONDS each)
#   make MPI=1    also build build/sendsim-mpi, the Open MPI cluster build (mpicc)
#   make install PREFIX=DIR  the program, chart templates, data, scenarios, man page and bash
#                 completion under DIR (default /usr/local; $HOME/.local needs no root)

CC       ?= cc
PKGS     := gsl hdf5 cmocka libfyaml xlsxwriter nettle
BUILD    ?= build
OPT      ?= -O2
# Deferred (=) so the flags are read after `make deps` has installed the packages.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   ?= $(OPT) -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DHAVE_INLINE \
             -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter \
             -fopenmp -Iinclude -Isim $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lhdf5_hl -fopenmp -lm $(EXTRA_LDFLAGS)

LIB_SRC   := $(wildcard sim/des/*.c sim/model/*.c sim/run/*.c sim/io/*.c)
CLI_SRC   := $(wildcard sim/cli/*.c)
TEST_SRC  := $(wildcard tests/test_*.c)
BENCH_SRC := $(wildcard tests/bench/*.c)
TEST_SUPPORT := $(wildcard tests/support/*.c)

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
SUP_OBJ   := $(TEST_SUPPORT:%.c=$(BUILD)/obj/%.o)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
LIB       := $(BUILD)/libsendsim.a

# Cluster build: build/sendsim-mpi is the same program with sim/run/run_mpi.c compiled by mpicc
# with -DSENDSIM_MPI (the other objects are shared with build/sendsim). `make MPI=1` builds it;
# `make test` builds it whenever mpicc is installed, for the MPI test. The library itself never
# needs MPI.
MPICC     ?= mpicc
HAVE_MPICC := $(shell command -v $(MPICC) 2>/dev/null)
MPI_SRC   := sim/run/run_mpi.c
MPI_OBJ   := $(BUILD)/obj-mpi/sim/run/run_mpi.o
MPI_BIN   := $(BUILD)/sendsim-mpi

.PHONY: all deps run test check-tests asan tsan valgrind bench clean tests-bin install uninstall man \
        fuzz fuzz-bin
.DEFAULT_GOAL := all

all: $(BUILD)/sendsim $(if $(filter 1,$(MPI)),$(MPI_BIN))

deps:
	@.ci/install-deps

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/sendsim: $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS_ALL)

$(MPI_OBJ): $(MPI_SRC)
	@mkdir -p $(dir $@)
	$(MPICC) $(ALL_CFLAGS) -DSENDSIM_MPI -MMD -MP -c $< -o $@

$(MPI_BIN): $(CLI_OBJ) $(filter-out $(BUILD)/obj/$(MPI_SRC:.c=.o),$(LIB_OBJ)) $(MPI_OBJ)
	$(MPICC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(SUP_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(SUP_OBJ) $(LIB) $(LDLIBS_ALL)

$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)

# Installation, without root into a user prefix: PREFIX/bin/sendsim finds its templates and
# data in PREFIX/share/sendsim (sim/io/share.c), whatever the current directory. The man page
# is made by help2man from the program's own help (every command's, in a COMMANDS section);
# without help2man it is left out with a warning. DESTDIR stages the files for packaging.
PREFIX   ?= /usr/local
SHAREDIR  = $(DESTDIR)$(PREFIX)/share/sendsim
MAN_CMDS  = run compare export plot report init calibrate backtest validate keys

man: $(BUILD)/sendsim.1

$(BUILD)/sendsim.1: $(BUILD)/sendsim
	@{ echo '[COMMANDS]'; for c in $(MAN_CMDS); do echo '.SS sendsim '"$$c"; echo '.nf'; \
	   $(BUILD)/sendsim help $$c | sed -e 's/\\/\\e/g' -e "s/^[.']/\\\\\&&/"; echo '.fi'; done; \
	   echo '[FILES]'; echo 'Chart templates, data and scenarios in PREFIX/share/sendsim; the'; \
	   echo 'user guide is docs/guide.md in the source tree.'; } > $@.inc
	help2man --no-info --name='SEND services simulation and forecasting' \
	  --include=$@.inc --output=$@.tmp $(BUILD)/sendsim && mv $@.tmp $@
	@rm -f $@.inc

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(SHAREDIR)/plots $(SHAREDIR)/data \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(BUILD)/sendsim $(DESTDIR)$(PREFIX)/bin/sendsim
	install -m 644 plots/*.gp $(SHAREDIR)/plots/
	install -m 644 data/*.csv data/*.md $(SHAREDIR)/data/
	rm -rf $(SHAREDIR)/scenarios && cp -R scenarios $(SHAREDIR)/scenarios
	install -m 644 sim/cli/sendsim-completion.bash \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/sendsim
	@if command -v help2man >/dev/null; then \
	  $(MAKE) --no-print-directory $(BUILD)/sendsim.1 && \
	  install -d $(DESTDIR)$(PREFIX)/share/man/man1 && \
	  install -m 644 $(BUILD)/sendsim.1 $(DESTDIR)$(PREFIX)/share/man/man1/sendsim.1; \
	else echo "make install: help2man not found: no man page installed" >&2; fi

uninstall:
	rm -rf $(SHAREDIR)
	rm -f $(DESTDIR)$(PREFIX)/bin/sendsim $(DESTDIR)$(PREFIX)/share/man/man1/sendsim.1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/sendsim

tests-bin: $(TEST_BIN) $(BUILD)/sendsim $(if $(HAVE_MPICC),$(MPI_BIN))

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/sendsim run scenarios/baseline.yaml
	$(BUILD)/sendsim report results/baseline.h5 --out results/baseline-report.html

test: deps
	@$(MAKE) --no-print-directory check-tests

check-tests: tests-bin
	@tests/run-tests $(BUILD) $(TEST_BIN)

asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" check-tests

# ThreadSanitizer. GCC's OpenMP runtime (libgomp) is not instrumented, so TSan cannot see its
# barriers and reports races that are not there. The target therefore builds with clang and
# LLVM's OpenMP runtime (libomp, from the clang and libomp-dev packages), which loads Archer
# (libarcher.so): an OMPT tool that tells TSan of every OpenMP synchronisation (fork, barriers,
# join, critical sections, atomics), so nothing has to be suppressed and a real race still shows.
# OMP_TOOL_LIBRARIES names Archer; should it fail to load, the unseen synchronisation would show
# as reported races and fail the run, never pass it silently. halt_on_error makes any report a
# failed test; ignore_noninstrumented_modules keeps TSan's interceptors out of the uninstrumented
# runtime, as Archer asks. The thread tests (test_threads_identical, test_cli_threads_identical)
# run 2 threads. The MPI binary is not built here (mpicc is gcc, which cannot link clang's
# OpenMP objects), and the MPI test skips itself; `make test` and `make asan` cover it.
TSAN_CC ?= clang
TSAN_ARCHER = $(realpath $(shell $(TSAN_CC) -print-resource-dir 2>/dev/null)/../../libarcher.so)

tsan: deps
	@.ci/install-deps --tsan
	@test -n "$(TSAN_ARCHER)" || { echo "make tsan: libarcher.so (libomp-dev) not found for $(TSAN_CC)" >&2; exit 1; }
	@OMP_TOOL_LIBRARIES="$(TSAN_ARCHER)" SENDSIM_NO_MPI=1 \
	  TSAN_OPTIONS="ignore_noninstrumented_modules=1 halt_on_error=1 $(TSAN_OPTIONS)" \
	  $(MAKE) --no-print-directory BUILD=build-tsan CC=$(TSAN_CC) OPT=-O1 HAVE_MPICC= \
	  EXTRA_CFLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
	  EXTRA_LDFLAGS="-fsanitize=thread" check-tests

valgrind: deps
	@$(MAKE) --no-print-directory tests-bin
	@VALGRIND="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" \
	  tests/run-tests $(BUILD) $(TEST_BIN)

bench: deps
	@.ci/install-deps --bench
	@$(MAKE) --no-print-directory $(BENCH_BIN) $(BUILD)/sendsim $(if $(HAVE_MPICC),$(MPI_BIN))
	@tests/bench/run-bench $(BUILD)

# Fuzzing: one libFuzzer program per reader of outside input (tests/support/fuzz_targets.c:
# scenario, sen2, results, compare, backtest, placements), built with clang under ASan + UBSan, each run
# FUZZ_SECONDS over a copy of its committed corpus (tests/fuzz/corpus/<target>/; new findings
# land in build-fuzz/corpus/ and are worth committing to the corpus with a good-/bad- name).
# `make test` replays the committed corpus with the normal build (test_fuzz_corpus), so it
# never needs clang.
FUZZ_TARGETS := scenario sen2 results compare backtest placements
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
fuzz: deps
	@.ci/install-deps --tsan
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=$(FUZZ_CC) OPT=-O1 HAVE_MPICC= \
	  EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" fuzz-bin
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t && cp -n tests/fuzz/corpus/$$t/* build-fuzz/corpus/$$t/; \
	  echo "fuzz $$t ($(FUZZ_SECONDS) s)"; \
	  build-fuzz/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 build-fuzz/corpus/$$t || exit 1; \
	done
fuzz-bin: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/%: tests/fuzz/fuzz_main.c $(BUILD)/obj/tests/support/fuzz_targets.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -DFUZZ_TARGET='"$*"' -o $@ $< \
	  $(BUILD)/obj/tests/support/fuzz_targets.o $(LIB) $(LDLIBS_ALL)

clean:
	rm -rf build build-asan build-tsan build-fuzz

-include $(shell find $(BUILD)/obj $(BUILD)/obj-mpi -name '*.d' 2>/dev/null)
