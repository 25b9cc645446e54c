select abs(-1), round(l_tax, 1), upper(l_comment), lower(l_comment), length(l_comment), coalesce(l_comment, 'none'), nullif(l_tax, 0), concat(l_comment, 'x') from lineitem;
