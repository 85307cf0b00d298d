build-fuzz/obj/sim/io/report_html.o: sim/io/report_html.c \
  include/send_report.h include/des_error.h include/send_backtest.h \
  include/send_sen2.h include/send_compare.h include/send_results.h \
  include/send_model.h include/des_date.h include/des_dist.h \
  include/send_h5.h include/send_scenario.h include/send_plot.h \
  include/send_io.h

include/send_report.h:

include/des_error.h:

include/send_backtest.h:

include/send_sen2.h:

include/send_compare.h:

include/send_results.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/send_h5.h:

include/send_scenario.h:

include/send_plot.h:

include/send_io.h:
