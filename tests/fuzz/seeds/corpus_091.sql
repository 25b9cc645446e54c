select n_nationkey from nation a join nation b using (n_nationkey);
