select count(*), count(distinct l_suppkey), sum(l_quantity), avg(l_discount), min(l_shipdate), max(l_comment), stddev(l_tax) from lineitem;
