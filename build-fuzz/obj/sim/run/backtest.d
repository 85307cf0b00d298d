build-fuzz/obj/sim/run/backtest.o: sim/run/backtest.c \
  include/send_backtest.h include/des_error.h include/send_sen2.h \
  include/send_init.h include/send_run.h include/send_model.h \
  include/des_date.h include/des_dist.h include/send_results.h \
  include/send_scenario.h

include/send_backtest.h:

include/des_error.h:

include/send_sen2.h:

include/send_init.h:

include/send_run.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/send_results.h:

include/send_scenario.h:
