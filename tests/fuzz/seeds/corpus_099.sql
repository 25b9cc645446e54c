select rank() over (order by o_totalprice), dense_rank() over () from orders;
