select l_orderkey, row_number() over (partition by l_suppkey order by l_shipdate desc), sum(l_quantity) over (partition by l_orderkey) from lineitem;
