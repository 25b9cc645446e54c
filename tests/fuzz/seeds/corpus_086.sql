select l.l_orderkey, o.o_orderdate from lineitem as l inner join orders o on l.l_orderkey = o.o_orderkey;
