build-fuzz/obj/sim/io/plot_backtest.o: sim/io/plot_backtest.c \
  sim/io/plot_internal.h include/send_io.h include/des_error.h \
  include/send_plot.h include/send_h5.h include/send_model.h \
  include/des_date.h include/des_dist.h include/send_results.h \
  include/send_scenario.h include/send_backtest.h include/send_sen2.h

sim/io/plot_internal.h:

include/send_io.h:

include/des_error.h:

include/send_plot.h:

include/send_h5.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/send_results.h:

include/send_scenario.h:

include/send_backtest.h:

include/send_sen2.h:
