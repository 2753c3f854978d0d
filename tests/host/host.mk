# host.mk: the host unit tests, and the kernel sources each one compiles.
#
# Add a test: write tests/host/test_NAME.c (Criterion), then add two lines:
#   HOST_TESTS += test_NAME
#   HOST_SRCS_test_NAME := src/module/file.c ...
# Optional: HOST_LIBS_test_NAME := -lfdt

HOST_TESTS += test_format
HOST_SRCS_test_format := src/console/format.c
