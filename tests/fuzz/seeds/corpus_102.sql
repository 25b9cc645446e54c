select cast(o_totalprice as integer), cast('1998-01-01' as date), cast(o_orderkey as varchar(10)), cast(1 as decimal(10,2)) from orders;
