select case when o_totalprice > 1000 then 'big' when o_totalprice > 10 then 'mid' else 'small' end from orders;
