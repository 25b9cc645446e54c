select cast(o_orderdate as integer) from orders;
