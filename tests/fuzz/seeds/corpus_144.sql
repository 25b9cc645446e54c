set search_path to public;
