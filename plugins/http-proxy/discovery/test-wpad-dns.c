int phonesec_placeholder_test_wpad_dns_c;
int main(void){return 1;}
