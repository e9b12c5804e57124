int phonesec_placeholder_test_pac_http_c;
int main(void){return 1;}
