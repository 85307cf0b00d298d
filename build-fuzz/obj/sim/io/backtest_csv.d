build-fuzz/obj/sim/io/backtest_csv.o: sim/io/backtest_csv.c \
  include/send_backtest.h include/des_error.h include/send_sen2.h \
  include/send_io.h

include/send_backtest.h:

include/des_error.h:

include/send_sen2.h:

include/send_io.h:
