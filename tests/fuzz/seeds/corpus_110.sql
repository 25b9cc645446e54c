select o_orderkey, (select max(l_quantity) from lineitem where l_orderkey = o_orderkey) from orders;
