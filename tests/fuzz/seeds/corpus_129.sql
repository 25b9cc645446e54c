create table dim (k int not null, name text) replicated;
